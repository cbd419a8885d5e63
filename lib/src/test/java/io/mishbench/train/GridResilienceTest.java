package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.mishbench.data.DatasetPreparer;
import io.mishbench.data.PreparedDataset;
import io.mishbench.data.SynthDataset;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a long grid trustworthy, on real Spark training in local mode: an interrupted run resumes
 * from its checkpoint without counting an epoch twice, a diverging run is recorded as such and the
 * grid goes on, a corrupt record is retrained, and a changed config gets new run ids beside the old.
 */
class GridResilienceTest {

  @TempDir static Path dir;
  static JavaSparkContext sc;
  static PreparedDataset ds;

  @BeforeAll
  static void start() throws Exception {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("grid")));
    SynthDataset.generate(new SynthDataset.Options(dir.resolve("raw"), 3, 60, 20, 5));
    DatasetPreparer.prepare(sc, new DatasetPreparer.Options(dir.resolve("raw").toUri(), dir.resolve("prepared").toUri(),
        20, 3, 100, false, false, 1));
    ds = PreparedDataset.open(dir.resolve("prepared").toUri(), sc.hadoopConfiguration());
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  private static ExperimentConfig config(String results, String extra) {
    return ConfigLoader.fromConfig(ConfigFactory.parseString(
        "dataset = \"" + dir.resolve("prepared") + "\"\nresults = \"" + dir.resolve(results) + "\"\n"
            + "model = resnet20\nwidth = 0.25\nresolution = 16\nactivation = mish\n"
            + "training { epochs = 3, workers = 2, batch-size-per-worker = 16, averaging-frequency = 2,"
            + " optimizer = adam, learning-rate = 0.005, lr-schedule { kind = cosine } }\n" + extra),
        "test");
  }

  private static ResultsStore store(ExperimentConfig cfg) {
    return new ResultsStore(cfg.results(), sc.hadoopConfiguration());
  }

  private static List<Integer> epochNumbers(RunResult r) {
    return r.epochs().stream().map(EpochMetrics::epoch).toList();
  }

  @Test
  void anInterruptedRunResumesFromItsCheckpointAndEndsLikeAnUninterruptedOne() throws Exception {
    ExperimentConfig cfg = config("resume", "");
    ResultsStore store = store(cfg);
    RuntimeException crash = new IllegalStateException("driver lost after epoch 2");
    RunProgress crashAfterTwo = (run, epochs) -> {
      if (run.epochs().size() == 2) {
        throw crash;
      }
    };
    assertEquals(crash, assertThrows(IllegalStateException.class,
        () -> SparkTrainer.run(sc, cfg, cfg.cell(), ds, store, crashAfterTwo)));
    String id = SparkTrainer.runId(cfg, cfg.cell(), ds);
    Path runDir = dir.resolve("resume/runs").resolve(id);
    RunResult failed = store.read(id).orElseThrow();
    assertEquals(RunResult.Status.FAILED, failed.status());
    assertEquals(List.of(1, 2), epochNumbers(failed));
    assertTrue(Files.exists(runDir.resolve("checkpoint-e2.zip")));
    assertTrue(Files.exists(runDir.resolve("checkpoint-e1.zip")), "the previous checkpoint is kept as the fallback"
        + " (older ones are dropped: CheckpointsTest)");

    RunResult resumed = SparkTrainer.run(sc, cfg, cfg.cell(), ds, store);
    assertEquals(RunResult.Status.COMPLETE, resumed.status());
    assertEquals(List.of(1, 2, 3), epochNumbers(resumed), "no epoch counted twice or lost");
    assertEquals(2, resumed.attempts());
    assertEquals(failed.startedAt(), resumed.startedAt());
    assertEquals(failed.epochs(), resumed.epochs().subList(0, 2), "the first attempt's epochs are kept as they were");
    assertEquals("2", resumed.provenance().get("attempt.2.resumed.after.epoch"));
    assertTrue(resumed.epochs().get(2).elapsedSeconds() > resumed.epochs().get(1).elapsedSeconds());
    assertEquals(resumed.epochs().get(2).elapsedSeconds(), resumed.wallSeconds(), 1e-9);
    // the cosine schedule went on where it stopped instead of restarting: its last rate is the minimum
    assertTrue(resumed.epochs().get(2).learningRate() < 0.005 * 0.05, "lr " + resumed.epochs().get(2).learningRate());
    assertTrue(resumed.epochs().get(1).learningRate() < resumed.epochs().get(0).learningRate());
    assertTrue(Files.exists(runDir.resolve("model.zip")));
    try (Stream<Path> files = Files.list(runDir)) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint")).toList(),
          "a complete run keeps model.zip, not its checkpoints");
    }
    assertTrue(resumed.top1() > 0.5, "resumed training still learns: top-1 " + resumed.top1());
    assertNotNull(resumed.loss());

    RunResult again = SparkTrainer.run(sc, cfg, cfg.cell(), ds, store);
    assertEquals(store.read(id).orElseThrow(), again, "a complete run is returned as recorded, not retrained");
    assertEquals(resumed.finishedAt(), again.finishedAt());
    assertEquals(resumed.epochs(), again.epochs());

    ExperimentConfig straight = config("straight", "");
    RunResult uninterrupted = SparkTrainer.run(sc, straight, straight.cell(), ds, store(straight));
    assertEquals(resumed.runId(), uninterrupted.runId());
    assertEquals(epochNumbers(uninterrupted), epochNumbers(resumed));
    assertEquals(uninterrupted.config(), resumed.config());
    assertEquals(1, uninterrupted.attempts());
  }

  @Test
  void aDivergingRunIsRecordedWithEpochAndStepAndTheGridGoesOn() {
    ExperimentConfig cfg = config("diverge",
        "training { optimizer = sgd, learning-rate = 10, momentum = 0.9, weight-decay = 0, epochs = 3, lr-schedule.kind = constant }\n"
            + "grid { models = [resnet20], activations = [leakyrelu, mish], seeds = [1] }");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BenchmarkRunner.Summary s = BenchmarkRunner.run(sc, cfg, ds, store(cfg), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(List.of(), s.failed());
    assertEquals(2, s.diverged().size() + s.completed().size());
    assertFalse(s.diverged().isEmpty(), "learning rate 10 must blow up: " + out);
    for (String id : s.diverged()) {
      RunResult r = store(cfg).read(id).orElseThrow();
      assertEquals(RunResult.Status.DIVERGED, r.status());
      assertTrue(r.divergence().step() >= 0 && r.divergence().epoch() >= 1, r.divergence().toString());
      assertTrue(List.of("NaN", "Infinity", "-Infinity").contains(r.divergence().loss()), r.divergence().loss());
      assertNull(r.top1());
    }
    BenchmarkRunner.Summary rerun = BenchmarkRunner.run(sc, cfg, ds, store(cfg), new PrintStream(out));
    assertEquals(2, rerun.skipped().size(), "a diverged cell is final: not retried by a rerun");
  }

  @Test
  void aCorruptRecordIsReportedAndRetrainedAndAChangedConfigGetsNewIds() throws Exception {
    ExperimentConfig cfg = config("grid", "training.epochs = 1\ngrid { models = [resnet20], activations = [leakyrelu, mish] }");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    BenchmarkRunner.Summary first = BenchmarkRunner.run(sc, cfg, ds, store(cfg), print);
    assertEquals(2, first.completed().size(), out.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("[cell 2/2] resnet20/none mish seed 1 | epoch 1/1 | loss "),
        out.toString(StandardCharsets.UTF_8));

    String broken = first.completed().get(0);
    Path runJson = dir.resolve("grid/runs").resolve(broken).resolve("run.json");
    String json = Files.readString(runJson);
    Files.writeString(runJson, json.substring(0, json.length() / 3)); // half-written by some other tool
    out.reset();
    BenchmarkRunner.Summary second = BenchmarkRunner.run(sc, cfg, ds, store(cfg), print);
    assertEquals(List.of(broken), second.corrupt());
    assertEquals(List.of(broken), second.completed());
    assertEquals(List.of(first.completed().get(1)), second.skipped());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("is corrupt"), out.toString(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.list(runJson.getParent())) {
      assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("run.json.corrupt-")).count());
    }
    assertEquals(RunResult.Status.COMPLETE, store(cfg).read(broken).orElseThrow().status());

    String kept = Files.readString(dir.resolve("grid/runs").resolve(first.completed().get(1)).resolve("run.json"));
    ExperimentConfig changed = config("grid", "training.epochs = 1\ntraining.learning-rate = 0.004\n"
        + "grid { models = [resnet20], activations = [leakyrelu, mish] }");
    BenchmarkRunner.Summary third = BenchmarkRunner.run(sc, changed, ds, store(changed), print);
    assertEquals(2, third.completed().size());
    third.completed().forEach(id -> assertFalse(first.completed().contains(id), id));
    assertEquals(4, store(cfg).list().size());
    assertEquals(kept, Files.readString(dir.resolve("grid/runs").resolve(first.completed().get(1)).resolve("run.json")),
        "old results stay as they were");
  }
}
