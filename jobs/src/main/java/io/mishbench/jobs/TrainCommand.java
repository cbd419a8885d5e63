package io.mishbench.jobs;

import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import io.mishbench.train.SparkSetup;
import io.mishbench.train.SparkTrainer;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Trains one run (the config's model, activation, augmentation and seed) with parameter averaging.")
final class TrainCommand implements Callable<Integer> {

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.load();
    try (JavaSparkContext sc = SparkSetup.context("mishbench train")) {
      RunResult r =
          SparkTrainer.run(sc, in.config(), in.config().cell(), in.dataset(),
              new ResultsStore(in.config().results(), sc.hadoopConfiguration()));
      System.out.printf("train: %s top-1 %.2f%% top-5 %.2f%% -> %s%n", r.runId(), 100 * r.top1(), 100 * r.top5(),
          in.config().results());
    }
    return 0;
  }
}
