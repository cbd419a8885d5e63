package io.mishbench.jobs;

import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunLock;
import io.mishbench.results.RunResult;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.GridProgress;
import io.mishbench.train.SparkSetup;
import io.mishbench.train.SparkTrainer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Trains one run (the config's model, activation, augmentation and seed) with parameter averaging,"
        + " resuming from its checkpoint when an earlier attempt was interrupted; a finished run is not trained again.")
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.loadToRecord();
    ExperimentConfig cfg = in.config();
    RunResult r;
    try (JavaSparkContext sc = SparkSetup.context("mishbench train")) {
      ResultsStore store = new ResultsStore(cfg.results(), sc.hadoopConfiguration());
      String runId = SparkTrainer.runId(cfg, cfg.cell(), in.dataset());
      Optional<RunLock> lock = RunLock.acquire(store.runDir(runId), sc.hadoopConfiguration());
      if (lock.isEmpty()) {
        spec.commandLine().getErr().println("train: " + runId + " is being trained by another driver (see its lock file)");
        return Main.FAILED;
      }
      try (RunLock held = lock.get()) {
        GridProgress progress = new GridProgress(System.out, List.of(cfg.cell()), new boolean[] {true},
            cfg.training().epochs());
        r = SparkTrainer.run(sc, cfg, cfg.cell(), in.dataset(), store, progress.cell(0));
      }
    }
    if (r.status() == RunResult.Status.DIVERGED) {
      spec.commandLine().getErr().printf("train: %s diverged: loss %s in epoch %d at step %d -> %s%n", r.runId(), r.divergence().loss(),
          r.divergence().epoch(), r.divergence().step(), cfg.results());
      return Main.FAILED;
    }
    spec.commandLine().getOut().printf("train: %s top-1 %.2f%% top-5 %.2f%% loss %.4f, %.0f s, %.1f img/s -> %s%n", r.runId(),
        100 * r.top1(), 100 * r.top5(), r.loss(), r.wallSeconds(), r.imagesPerSecond(), cfg.results());
    return 0;
  }
}
