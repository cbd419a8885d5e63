package io.mishbench.jobs;

import io.mishbench.results.ResultsStore;
import io.mishbench.train.BenchmarkRunner;
import io.mishbench.train.SparkSetup;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "benchmark", mixinStandardHelpOptions = true,
    description = "Runs the config's grid (rows x activations x seeds), skipping runs already complete or diverged"
        + " in the results store and resuming interrupted ones from their last checkpoint.")
final class BenchmarkCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.loadToRecord();
    BenchmarkRunner.Summary s;
    try (JavaSparkContext sc = SparkSetup.context("mishbench benchmark")) {
      s = BenchmarkRunner.run(sc, in.config(), in.dataset(), new ResultsStore(in.config().results(), sc.hadoopConfiguration()));
    }
    spec.commandLine().getOut().printf(
        "benchmark: %d trained (%d of them resumed), %d already finished, %d diverged, %d corrupt records retrained,"
            + " %d left to another driver, %d failed -> %s%n",
        s.completed().size(), s.resumed().size(), s.skipped().size(), s.diverged().size(), s.corrupt().size(),
        s.busy().size(), s.failed().size(), in.config().results());
    s.busy().forEach(b -> spec.commandLine().getErr().println("benchmark: being trained by another driver: " + b));
    s.failed().forEach(f -> spec.commandLine().getErr().println("benchmark: failed run " + f));
    return s.ok() ? 0 : Main.FAILED;
  }
}
