package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mishbench robustness} as a user runs it: a tiny config end to end, and bad input before any work. */
class RobustnessCommandTest {

  @TempDir Path dir;

  private Path tinyConfig() throws Exception {
    Path f = dir.resolve("tiny.conf");
    Files.writeString(f, """
        robustness {
          output = "not-used-because-of-output-option"
          activations = [swish, leakyrelu]
          train-images = 128
          test-images = 64
          network { conv-channels = [2, 2], dense-width = 8 }
          training { epochs = 1, batch-size = 32, learning-rate = 0.1 }
          depth-sweep.depths = [1]
          eval-depth = 1
          noise.stds = [0, 2]
          adversarial { fgsm-epsilons = [0, 0.1], pgd-epsilons = [0.1], pgd-steps = 1 }
        }
        landscape { belongs-to = "another command" }
        """);
    return f;
  }

  @Test
  void runsEveryExperimentAndWritesItsFiles() throws Exception {
    Path out = dir.resolve("out");
    MainTest.Outcome o = MainTest.run("robustness", "--config", tinyConfig().toString(), "--output", out.toString(),
        "--set", "robustness.seed=2");
    assertEquals(0, o.code(), o.err());
    for (String name : List.of("depth-sweep.csv", "depth-sweep.png", "noise.csv", "noise.png", "fgsm.csv", "fgsm.png",
        "pgd.csv", "pgd.png", "summary.md")) {
      assertTrue(Files.isRegularFile(out.resolve(name)), name);
    }
    List<String> fgsm = Files.readAllLines(out.resolve("fgsm.csv"));
    assertEquals("activation,epsilon,top1,loss,run_id", fgsm.get(0));
    assertEquals(1 + 2 * 2, fgsm.size(), "2 activations x 2 epsilons");
    assertTrue(fgsm.get(1).startsWith("swish,0,"), fgsm.get(1));
    String md = Files.readString(out.resolve("summary.md"));
    assertTrue(md.contains("## PGD (1 steps)") && md.contains("| depth | swish acc |"), md);
    try (var runs = Files.list(out.resolve("store").resolve("runs"))) {
      assertEquals(2, runs.filter(d -> d.getFileName().toString().contains("-s2-")).count());
    }
  }

  @Test
  void badInputIsReportedBeforeAnyWork() throws Exception {
    Path out = dir.resolve("bad-out");
    MainTest.Outcome o = MainTest.run("robustness", "--config", tinyConfig().toString(), "--output", out.toString(),
        "--set", "robustness.adversarial.fgsm-epsilons=[0.1, -0.2]", "--set", "robustness.depth-sweep.depths=[0]",
        "--set", "robustness.dataset=" + dir.resolve("missing"));
    assertEquals(Main.BAD_INPUT, o.code(), o.err());
    assertTrue(o.err().contains("robustness.adversarial.fgsm-epsilons: every value must be finite and >= 0, got -0.2"),
        o.err());
    assertTrue(o.err().contains("robustness.depth-sweep.depths: a depth (number of dense blocks) must be in [1, 200],"
        + " got 0"), o.err());
    assertTrue(o.err().contains("Fashion-MNIST folder does not exist"), o.err());
    assertFalse(Files.exists(out), "nothing written");
    assertEquals(Main.BAD_INPUT, MainTest.run("robustness", "--config", dir.resolve("none.conf").toString()).code());
  }
}
