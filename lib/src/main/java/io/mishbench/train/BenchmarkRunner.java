package io.mishbench.train;

import io.mishbench.data.PreparedDataset;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import io.mishbench.train.ExperimentConfig.Cell;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the grid of an experiment one cell after the other. A cell whose run is already COMPLETE in
 * the results store is skipped, so rerunning the same config finishes only what is missing. A failed
 * cell is recorded as FAILED and the grid goes on; the summary says what failed.
 */
public final class BenchmarkRunner {

  private static final Logger log = LoggerFactory.getLogger(BenchmarkRunner.class);

  private BenchmarkRunner() {}

  /** What a benchmark did. */
  public record Summary(List<String> completed, List<String> skipped, List<String> failed) {
    public boolean ok() {
      return failed.isEmpty();
    }
  }

  public static Summary run(JavaSparkContext sc, ExperimentConfig cfg, PreparedDataset ds, ResultsStore store) {
    List<Cell> cells = cfg.cells();
    List<String> completed = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      Cell cell = cells.get(i);
      String runId = SparkTrainer.runId(cfg, cell, ds);
      boolean done = store.read(runId).map(r -> r.status() == RunResult.Status.COMPLETE).orElse(false);
      if (done) {
        log.info("[{}/{}] {} already complete, skipped", i + 1, cells.size(), runId);
        skipped.add(runId);
        continue;
      }
      log.info("[{}/{}] training {}", i + 1, cells.size(), runId);
      try {
        SparkTrainer.run(sc, cfg, cell, ds, store);
        completed.add(runId);
      } catch (RuntimeException e) {
        log.error("[{}/{}] {} failed: {}", i + 1, cells.size(), runId, e.toString(), e);
        failed.add(runId + ": " + e.getMessage());
      }
    }
    return new Summary(completed, skipped, failed);
  }
}
