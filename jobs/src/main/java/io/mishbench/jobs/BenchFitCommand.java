package io.mishbench.jobs;

import io.mishbench.bench.JsonLine;
import io.mishbench.bench.LocalFit;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.train.ExperimentConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bench-fit", mixinStandardHelpOptions = true,
    description = "Trains the config's first cell the plain way (one process, no Spark, one DL4J fit per minibatch of"
        + " batch-size-per-worker images) for the config's epochs and prints one JSON object per epoch: the baseline"
        + " that `train`'s epoch times are compared with in bench.sh's Spark-overhead table. Nothing is recorded.")
final class BenchFitCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.load();
    ExperimentConfig cfg = in.config();
    ExperimentConfig.Cell cell = cfg.cell();
    List<LocalFit.Epoch> epochs = LocalFit.run(cfg, cell, in.dataset(), HadoopFiles.configuration(), e ->
        spec.commandLine().getOut().println(new JsonLine().put("model", cell.model()).put("activation", cell.activation())
            .put("epoch", e.epoch()).put("minibatches", e.minibatches()).put("images", e.images())
            .fixed("seconds", e.seconds(), 3).fixed("images_per_sec", e.imagesPerSecond(), 2)
            .fixed("loss", e.score(), 5)));
    return epochs.isEmpty() ? Main.FAILED : 0;
  }
}
