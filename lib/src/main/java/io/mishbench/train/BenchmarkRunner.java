package io.mishbench.train;

import io.mishbench.data.PreparedDataset;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunLock;
import io.mishbench.results.RunResult;
import io.mishbench.train.ExperimentConfig.Cell;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the grid of an experiment one cell after the other, so that rerunning the same config
 * finishes only what is missing:
 * <ul>
 *   <li>a cell COMPLETE or DIVERGED in the results store is skipped;
 *   <li>a cell RUNNING or FAILED there resumes from its last checkpoint ({@link SparkTrainer#run});
 *   <li>a cell whose run.json is corrupt is reported, the record moved aside, and the cell trained anew;
 *   <li>a cell locked by another live driver ({@link RunLock}) is left to it and reported as busy;
 *   <li>a cell that diverges is recorded DIVERGED and the grid goes on; one that fails is recorded
 *       FAILED and the grid goes on, and the summary says what failed.
 * </ul>
 */
public final class BenchmarkRunner {

  private static final Logger log = LoggerFactory.getLogger(BenchmarkRunner.class);

  private BenchmarkRunner() {}

  /**
   * What a benchmark did, as run ids.
   *
   * @param completed trained to COMPLETE now (resumed ones included)
   * @param resumed of those and the diverged, the ones continued from a checkpoint
   * @param skipped already COMPLETE or DIVERGED before
   * @param diverged stopped now on a non-finite loss
   * @param corrupt whose earlier run.json was corrupt, moved aside and retrained
   * @param busy held by another driver's lock, not trained here
   * @param failed {@code runId: message}
   */
  public record Summary(
      List<String> completed, List<String> resumed, List<String> skipped, List<String> diverged, List<String> corrupt,
      List<String> busy, List<String> failed) {

    /** No failure and nothing left to another driver. */
    public boolean ok() {
      return failed.isEmpty() && busy.isEmpty();
    }
  }

  /** Runs the grid, printing progress to standard output. */
  public static Summary run(JavaSparkContext sc, ExperimentConfig cfg, PreparedDataset ds, ResultsStore store) {
    return run(sc, cfg, ds, store, System.out);
  }

  public static Summary run(
      JavaSparkContext sc, ExperimentConfig cfg, PreparedDataset ds, ResultsStore store, PrintStream out) {
    RunLock.checkSupported(store.root(), sc.hadoopConfiguration()); // no silent double training on object stores
    List<Cell> cells = cfg.cells();
    Summary s = new Summary(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    String[] ids = new String[cells.size()];
    boolean[] pending = new boolean[cells.size()];
    for (int i = 0; i < cells.size(); i++) {
      ids[i] = SparkTrainer.runId(cfg, cells.get(i), ds);
      ResultsStore.Lookup found = store.lookup(ids[i]);
      pending[i] = !(found instanceof ResultsStore.Lookup.Found f && f.run().status().isFinal());
      if (found instanceof ResultsStore.Lookup.Corrupt c) {
        out.println("benchmark: run record " + c.file() + " is corrupt (" + c.reason() + "): the cell is trained again");
        s.corrupt().add(ids[i]);
      }
    }
    GridProgress progress = new GridProgress(out, cells, pending, cfg.training().epochs());
    for (int i = 0; i < cells.size(); i++) {
      String tag = "[cell " + (i + 1) + "/" + cells.size() + "] " + ids[i];
      if (!pending[i]) {
        log.info("{} already finished, skipped", tag);
        s.skipped().add(ids[i]);
        continue;
      }
      Optional<RunLock> lock = RunLock.acquire(store.runDir(ids[i]), sc.hadoopConfiguration());
      if (lock.isEmpty()) {
        out.println(tag + " is being trained by another driver: left to it");
        s.busy().add(ids[i]);
        progress.finished(i);
        continue;
      }
      try (RunLock held = lock.get()) {
        // another driver may have finished it between the scan and the lock
        if (store.lookup(ids[i]) instanceof ResultsStore.Lookup.Found f && f.run().status().isFinal()) {
          s.skipped().add(ids[i]);
          continue;
        }
        out.println(tag + ": training");
        RunResult r = SparkTrainer.run(sc, cfg, cells.get(i), ds, store, progress.cell(i));
        (r.status() == RunResult.Status.DIVERGED ? s.diverged() : s.completed()).add(ids[i]);
        if (r.attempts() > 1) {
          s.resumed().add(ids[i]);
        }
        if (r.status() == RunResult.Status.DIVERGED) {
          out.println(tag + " diverged: loss " + r.divergence().loss() + " in epoch " + r.divergence().epoch()
              + " at step " + r.divergence().step() + "; going on with the grid");
        }
      } catch (Exception e) { // SparkException is checked but thrown undeclared by Spark's Scala code
        log.error("{} failed: {}", tag, e.toString(), e);
        s.failed().add(ids[i] + ": " + e.getMessage());
      } finally {
        progress.finished(i);
      }
    }
    return s;
  }
}
