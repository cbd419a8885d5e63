package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.DatasetPreparer;
import io.mishbench.data.Manifest;
import io.mishbench.data.PreparedDataset;
import io.mishbench.data.SynthDataset;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path in Spark local mode with two parameter-averaging workers: generated images, Spark
 * prepare, training, evaluation on the executors, the run record.
 */
class SparkTrainingEndToEndTest {

  @TempDir static Path dir;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("e2e")));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  @Test
  void trainsWithParameterAveragingWellAboveChance() throws Exception {
    SynthDataset.generate(new SynthDataset.Options(dir.resolve("raw"), 4, 150, 24, 7));
    Manifest m =
        DatasetPreparer.prepare(
            sc, new DatasetPreparer.Options(dir.resolve("raw").toUri(), dir.resolve("prepared").toUri(), 24, 3, 200,
                false, false, 1));
    assertEquals(600, m.train().count());
    assertEquals(120, m.val().count());

    ExperimentConfig cfg =
        ConfigLoader.fromConfig(
            com.typesafe.config.ConfigFactory.parseString(
                "dataset = \"" + dir.resolve("prepared") + "\"\n"
                    + "results = \"" + dir.resolve("results") + "\"\n"
                    + "model = resnet20\nwidth = 0.25\nresolution = 16\nactivation = mish\n"
                    + "training { epochs = 2, workers = 2, batch-size-per-worker = 16, averaging-frequency = 3,"
                    + " optimizer = adam, learning-rate = 0.005 }"),
            "test");
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), sc.hadoopConfiguration());
    ResultsStore store = new ResultsStore(cfg.results(), sc.hadoopConfiguration());
    RunResult r = SparkTrainer.run(sc, cfg, cfg.cell(), ds, store);

    assertEquals(RunResult.Status.COMPLETE, r.status());
    // 4 classes: chance is 25%
    assertTrue(r.top1() > 0.7, "held-out top-1 should be far above chance (0.25), was " + r.top1());
    // 600 images / (2 workers x 16 x 3 minibatches) = about 6 averaging rounds per epoch
    for (RunResult.EpochMetrics e : r.epochs()) {
      assertTrue(e.averagingRounds() >= 4, "parameter averaging rounds in epoch " + e.epoch() + ": " + e.averagingRounds());
      assertTrue(e.dataWaitShare() != null && e.dataWaitShare() >= 0 && e.dataWaitShare() < 1,
          "share of worker time spent waiting for data in epoch " + e.epoch() + ": " + e.dataWaitShare());
    }
    assertEquals(List.of(r.runId()), store.list().stream().map(RunResult::runId).toList());
    assertEquals(RunResult.Status.COMPLETE, store.read(r.runId()).orElseThrow().status());
  }

  /**
   * A model with grouped convolutions ({@code GroupedConv2D}, a layer of this project's own) goes
   * through the same path: its configuration and parameters travel to the executors and back, and
   * it trains and evaluates there.
   */
  @Test
  void trainsAGroupedConvolutionModel() throws Exception {
    Path raw = dir.resolve("raw-grouped");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 30, 32, 11));
    DatasetPreparer.prepare(sc, new DatasetPreparer.Options(raw.toUri(), dir.resolve("prepared-grouped").toUri(), 32, 3,
        200, false, false, 1));
    ExperimentConfig cfg =
        ConfigLoader.fromConfig(
            com.typesafe.config.ConfigFactory.parseString(
                "dataset = \"" + dir.resolve("prepared-grouped") + "\"\n"
                    + "results = \"" + dir.resolve("results-grouped") + "\"\n"
                    + "model = cspresnext50\nwidth = 0.125\nresolution = 32\nactivation = mish\n"
                    + "training { epochs = 1, workers = 2, batch-size-per-worker = 8, averaging-frequency = 2,"
                    + " optimizer = adam, learning-rate = 0.001 }"),
            "test");
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), sc.hadoopConfiguration());
    ResultsStore store = new ResultsStore(cfg.results(), sc.hadoopConfiguration());
    RunResult r = SparkTrainer.run(sc, cfg, cfg.cell(), ds, store);

    assertEquals(RunResult.Status.COMPLETE, r.status());
    assertEquals(1, r.epochs().size());
    assertTrue(r.epochs().get(0).averagingRounds() >= 1, "averaging rounds: " + r.epochs().get(0).averagingRounds());
    assertTrue(r.top1() >= 0 && r.top1() <= 1, "top-1 " + r.top1());
  }
}
