package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The robustness experiments at tiny size on real Fashion-MNIST: their properties (noise std 0 and
 * epsilon 0 give the clean accuracy exactly, FGSM accuracy does not rise with epsilon, PGD is at least as
 * strong as FGSM), their files, and the results store's resume (finished runs untouched, a killed run
 * trained again).
 */
class RobustnessExperimentTest {

  private static final double TOLERANCE = 0.03; // 3 of the 100 test images

  @TempDir Path dir;

  private RobustnessConfig config(String experiments) {
    return RobustnessConfig.fromConfig(ConfigFactory.parseString("""
        robustness {
          output = "%s"
          activations = [mish, relu]
          train-images = 256
          test-images = 100
          experiments = %s
          network { conv-channels = [2, 4], dense-width = 12 }
          training { epochs = 2, batch-size = 32, learning-rate = 0.1 }
          depth-sweep.depths = [1]
          eval-depth = 1
          noise.stds = [0, 4]
          adversarial { images = 0, fgsm-epsilons = [0, 0.05, 0.3], pgd-epsilons = [0, 0.05, 0.3], pgd-steps = 2 }
        }
        """.formatted(dir.resolve("out"), experiments)), "test");
  }

  @Test
  void propertiesFilesAndResume() throws Exception {
    RobustnessConfig cfg = config("[depth-sweep, noise, fgsm, pgd]");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RobustnessExperiment.Summary s = new RobustnessExperiment(cfg, new PrintStream(log, true)).run();
    assertEquals(2, s.trained(), "2 activations; the attacked depth-1 networks are the sweep's");
    assertTrue(log.toString().contains("[train 2/2 of 2 networks] depth 1 relu seed 1 | epoch 2/2"), log.toString());

    Map<String, Double> clean = new HashMap<>();
    for (RobustnessExperiment.Point p : s.curves().get("depth-sweep")) {
      assertTrue(p.top1() > 0.15, "trained above chance (10%): " + p);
      if (p.x() == 1) {
        clean.put(p.activation(), p.top1());
      }
    }
    for (String act : List.of("mish", "relu")) {
      List<RobustnessExperiment.Point> noise = of(s, "noise", act);
      assertEquals(clean.get(act), noise.get(0).top1(), 0.0, "noise std 0 is the clean accuracy");
      assertTrue(noise.get(1).top1() < clean.get(act), "std 4 hurts: " + noise);
      List<RobustnessExperiment.Point> fgsm = of(s, "fgsm", act);
      List<RobustnessExperiment.Point> pgd = of(s, "pgd", act);
      assertEquals(clean.get(act), fgsm.get(0).top1(), 0.0, "FGSM epsilon 0 is the clean accuracy");
      assertEquals(clean.get(act), pgd.get(0).top1(), 0.0, "PGD epsilon 0 is the clean accuracy");
      for (int i = 1; i < fgsm.size(); i++) {
        assertTrue(fgsm.get(i).top1() <= fgsm.get(i - 1).top1() + TOLERANCE, act + " FGSM rises with epsilon: " + fgsm);
        assertTrue(pgd.get(i).top1() <= fgsm.get(i).top1() + TOLERANCE, act + " PGD weaker than FGSM: " + pgd + fgsm);
      }
      assertTrue(fgsm.get(fgsm.size() - 1).top1() < clean.get(act), act + " epsilon 0.3 hurts: " + fgsm);
    }
    for (String name : List.of("depth-sweep", "noise", "fgsm", "pgd")) {
      Path csv = cfg.output().resolve(name + ".csv");
      assertEquals(1 + s.curves().get(name).size(), Files.readAllLines(csv).size(), name);
      BufferedImage png = ImageIO.read(cfg.output().resolve(name + ".png").toFile());
      assertEquals(1000, png.getWidth());
    }
    String md = Files.readString(cfg.output().resolve("summary.md"));
    assertTrue(md.contains("| epsilon | mish acc | mish loss | relu acc | relu loss |"), md);

    // resume: every run COMPLETE with its model; a rerun trains nothing and leaves run.json untouched
    NetworkRuns runs = new NetworkRuns(cfg, Images.fashionMnist(cfg.dataset(), true, 256),
        Images.fashionMnist(cfg.dataset(), false, 100), System.out);
    Map<String, byte[]> before = new HashMap<>();
    for (int depth : List.of(1)) {
      for (String act : List.of("mish", "relu")) {
        String id = runs.runId(depth, act);
        Path dir = runs.runDir(id);
        assertTrue(Files.isRegularFile(dir.resolve(NetworkRuns.MODEL_FILE)), id);
        assertTrue(Files.isRegularFile(dir.resolve("fgsm.csv")), "per-run curves beside run.json: " + id);
        before.put(id, Files.readAllBytes(dir.resolve(ResultsStore.RUN_FILE)));
      }
    }
    RobustnessConfig sweepOnly = config("[depth-sweep]");
    RobustnessExperiment.Summary again = new RobustnessExperiment(sweepOnly, System.out).run();
    assertEquals(0, again.trained());
    assertEquals(2, again.reused());
    for (var e : before.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(runs.runDir(e.getKey()).resolve(ResultsStore.RUN_FILE)),
          "untouched: " + e.getKey());
    }

    // a run killed while training (RUNNING) is trained again, as its second attempt; the others stay
    String killed = runs.runId(1, "mish");
    RunResult r = runs.store().read(killed).orElseThrow();
    runs.store().write(new RunResult(r.runId(), RunResult.Status.RUNNING, r.model(), r.activation(), r.augmentation(),
        r.seed(), r.config(), r.provenance(), r.epochs().subList(0, 1), null, null, null, r.startedAt(), null, null,
        null, null, null, null, null, null, 1));
    RobustnessExperiment.Summary third = new RobustnessExperiment(sweepOnly, System.out).run();
    assertEquals(1, third.trained());
    RunResult redone = runs.store().read(killed).orElseThrow();
    assertEquals(RunResult.Status.COMPLETE, redone.status());
    assertEquals(2, redone.attempts());
    assertEquals(2, redone.epochs().size());
    for (var e : before.entrySet()) {
      if (!e.getKey().equals(killed)) {
        assertArrayEquals(e.getValue(), Files.readAllBytes(runs.runDir(e.getKey()).resolve(ResultsStore.RUN_FILE)));
      }
    }
  }

  private static List<RobustnessExperiment.Point> of(RobustnessExperiment.Summary s, String curve, String act) {
    return s.curves().get(curve).stream().filter(p -> p.activation().equals(act)).toList();
  }
}
