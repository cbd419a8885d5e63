package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.DatasetPreparer;
import io.mishbench.data.PreparedDataset;
import io.mishbench.data.SynthDataset;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real (tiny) parameter-averaging run in local mode: the averaging rounds reach the driver's
 * progress one by one, as many as DL4J's statistics count, and the training metrics come back out of
 * Spark's metrics system through a real sink (CsvSink, one CSV file per gauge).
 */
class TrainingMetricsTest {

  @TempDir Path dir;

  @Test
  void roundsAreReportedAndMetricsReachASink() throws Exception {
    Path csv = Files.createDirectories(dir.resolve("metrics"));
    SparkConf conf = SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("metrics")
        .set("spark.ui.enabled", "false")
        .set("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink")
        .set("spark.metrics.conf.*.sink.csv.period", "1")
        .set("spark.metrics.conf.*.sink.csv.unit", "seconds")
        .set("spark.metrics.conf.*.sink.csv.directory", csv.toString())
        .set(TrainingProgress.EVERY_ROUNDS_KEY, "1"));
    List<TrainingProgress.Round> rounds = new ArrayList<>();
    RunResult r;
    Map<String, Double> last;
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      SynthDataset.generate(new SynthDataset.Options(dir.resolve("raw"), 2, 40, 16, 3));
      DatasetPreparer.prepare(sc, new DatasetPreparer.Options(dir.resolve("raw").toUri(), dir.resolve("prepared").toUri(),
          16, 3, 200, false, false, 1));
      ExperimentConfig cfg = ConfigLoader.fromConfig(com.typesafe.config.ConfigFactory.parseString(
          "dataset = \"" + dir.resolve("prepared") + "\"\nresults = \"" + dir.resolve("results") + "\"\n"
              + "model = resnet20\nwidth = 0.25\nresolution = 16\nactivation = mish\n"
              + "training { epochs = 1, workers = 2, batch-size-per-worker = 8, averaging-frequency = 1,"
              + " optimizer = adam, learning-rate = 0.005 }"), "test");
      PreparedDataset ds = PreparedDataset.open(cfg.dataset(), sc.hadoopConfiguration());
      RunProgress progress = new RunProgress() {
        @Override
        public void epochDone(RunResult run, int epochs) {}

        @Override
        public void roundDone(TrainingProgress.Round round) {
          synchronized (rounds) {
            rounds.add(round);
          }
        }
      };
      r = SparkTrainer.run(sc, cfg, cfg.cell(), ds, new ResultsStore(cfg.results(), sc.hadoopConfiguration()), progress);
      assertEquals(RunResult.Status.COMPLETE, r.status());
      last = waitForCsv(csv, Map.of(MetricsPlugin.EPOCH, 1.0));
    }
    RunResult.EpochMetrics epoch = r.epochs().get(0);

    // 80 images / (2 workers x 8) = 5 minibatches each, averaged after every one: 5 rounds
    long planned = 5;
    synchronized (rounds) {
      assertEquals(epoch.averagingRounds(), rounds.size(), "one report per round DL4J counted: " + rounds);
      for (int i = 0; i < rounds.size(); i++) {
        TrainingProgress.Round round = rounds.get(i);
        assertEquals(i + 1, round.roundsDone());
        assertEquals(planned, round.roundsTotal());
        assertEquals(1, round.epoch());
        assertTrue(round.imagesPerSecond() > 0, round.toString());
        assertTrue(round.epochSecondsLeft() >= 0, round.toString());
      }
      assertTrue(Double.isFinite(rounds.get(rounds.size() - 1).loss()), "a loss once rounds were averaged: " + rounds);
    }

    assertEquals(1.0, last.get(MetricsPlugin.EPOCH));
    assertEquals(epoch.score(), last.get(MetricsPlugin.LOSS), 1e-6);
    assertEquals(epoch.imagesPerSecond(), last.get(MetricsPlugin.IMAGES_PER_SECOND), 1e-3);
    assertEquals((double) planned, last.get(MetricsPlugin.ROUNDS_TOTAL));
    assertEquals((double) planned, last.get(MetricsPlugin.ROUNDS_DONE));
    assertEquals(epoch.dataWaitShare(), last.get(MetricsPlugin.DATA_WAIT_SHARE), 1e-9);
    assertEquals(r.top1(), last.get(MetricsPlugin.TOP1), 1e-9);
  }

  /** The last value of each plugin gauge in the sink's CSV files, once {@code expected} holds. */
  private static Map<String, Double> waitForCsv(Path csv, Map<String, Double> expected) throws Exception {
    String prefix = "plugin." + MetricsPlugin.class.getName() + ".";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Map<String, Double> values = new HashMap<>();
    while (System.nanoTime() < deadline) {
      values.clear();
      try (var files = Files.list(csv)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          int at = name.indexOf(prefix);
          List<String> lines = Files.readAllLines(f);
          if (at >= 0 && name.endsWith(".csv") && lines.size() > 1) {
            String[] row = lines.get(lines.size() - 1).split(",");
            values.put(name.substring(at + prefix.length(), name.length() - 4), Double.parseDouble(row[1]));
          }
        }
      }
      // top-1 is set only when the epoch ends: a report written during the epoch (the epoch gauge is set
      // when it starts) still holds a round's loss and rate
      if (values.size() == 7 && expected.entrySet().stream().allMatch(e -> e.getValue().equals(values.get(e.getKey())))
          && !Double.isNaN(values.get(MetricsPlugin.TOP1))) {
        return values;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the CsvSink never showed " + expected + "; last seen " + values);
  }
}
