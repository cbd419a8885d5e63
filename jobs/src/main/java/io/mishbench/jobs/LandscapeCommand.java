package io.mishbench.jobs;

import io.mishbench.experiments.LandscapeRunner;
import io.mishbench.experiments.LandscapeSettings;
import io.mishbench.fs.HadoopFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "landscape", mixinStandardHelpOptions = true,
    description = "Draws the Mish paper's landscapes: the output landscape of a random MLP per activation and the"
        + " loss landscape (Li et al. 2018, filter-normalised random directions) around trained networks: the"
        + " config's checkpoints or results-store runs, or networks it trains per activation and records as runs."
        + " Reads the config's landscape { } block; no Spark.")
final class LandscapeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "Path or Hadoop URI (hdfs://, s3a://, file:) of the config file (HOCON) with a landscape { } block, e.g."
      + " conf/robustness-quick.conf.")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set landscape.loss-landscape.resolution=11 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--output", description = "Folder to write into, created if absent (default: the config's"
      + " landscape.output).")
  Path output;

  @Override
  public Integer call() {
    LandscapeSettings s = LandscapeSettings.load(config, overrides);
    if (output != null) {
      s = s.withOutput(output);
    }
    Configuration conf = HadoopFiles.configuration();
    LandscapeRunner.Plan plan = LandscapeRunner.check(s, conf);
    LandscapeRunner.Result r;
    try {
      r = LandscapeRunner.run(plan, conf, spec.commandLine().getOut()::println);
    } catch (IllegalArgumentException e) { // input was checked: anything now is a failure while working
      throw new IllegalStateException(e.getMessage(), e);
    }
    spec.commandLine().getOut().println();
    spec.commandLine().getOut().print(r.markdown());
    spec.commandLine().getOut().printf("landscape: %d files -> %s%n", r.files().size(), s.output().toAbsolutePath());
    return 0;
  }
}
