package io.mishbench.jobs;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.LocalFit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "bench-fit", mixinStandardHelpOptions = true,
    description = "Trains the config's first cell the plain way (one process, no Spark, one DL4J fit per minibatch of"
        + " batch-size-per-worker images) for the config's epochs and prints one JSON object per epoch: the baseline"
        + " that `train`'s epoch times are compared with in bench.sh's Spark-overhead table. Nothing is recorded.")
final class BenchFitCommand implements Callable<Integer> {

  @Mixin ExperimentOptions options;

  @Override
  public Integer call() {
    ExperimentOptions.Checked in = options.load();
    ExperimentConfig cfg = in.config();
    ExperimentConfig.Cell cell = cfg.cell();
    List<LocalFit.Epoch> epochs = LocalFit.run(cfg, cell, in.dataset(), HadoopFiles.configuration(), e ->
        System.out.println(String.format(Locale.ROOT,
            "{\"model\":\"%s\",\"activation\":\"%s\",\"epoch\":%d,\"minibatches\":%d,\"images\":%d,\"seconds\":%.3f,"
                + "\"images_per_sec\":%.2f,\"loss\":%.5f}",
            cell.model(), cell.activation(), e.epoch(), e.minibatches(), e.images(), e.seconds(), e.imagesPerSecond(),
            e.score())));
    return epochs.isEmpty() ? Main.FAILED : 0;
  }
}
