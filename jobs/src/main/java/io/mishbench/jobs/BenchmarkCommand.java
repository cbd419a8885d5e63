package io.mishbench.jobs;

import io.mishbench.results.ResultsStore;
import io.mishbench.train.BenchmarkRunner;
import io.mishbench.train.SparkSetup;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Runs the config's grid (models x augmentations x activations x seeds), skipping runs already"
        + " complete in the results store.")
final class BenchmarkCommand implements Callable<Integer> {

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.load();
    BenchmarkRunner.Summary s;
    try (JavaSparkContext sc = SparkSetup.context("mishbench benchmark")) {
      s = BenchmarkRunner.run(sc, in.config(), in.dataset(), new ResultsStore(in.config().results(), sc.hadoopConfiguration()));
    }
    System.out.printf("benchmark: %d trained, %d already complete, %d failed -> %s%n", s.completed().size(),
        s.skipped().size(), s.failed().size(), in.config().results());
    s.failed().forEach(f -> System.err.println("benchmark: failed run " + f));
    return s.ok() ? 0 : Main.FAILED;
  }
}
