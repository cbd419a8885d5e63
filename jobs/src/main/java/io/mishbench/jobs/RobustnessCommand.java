package io.mishbench.jobs;

import io.mishbench.experiments.RobustnessConfig;
import io.mishbench.experiments.RobustnessExperiment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "robustness", mixinStandardHelpOptions = true,
    description = "The Mish paper's robustness experiments on Fashion-MNIST (plain DL4J, no Spark): test accuracy"
        + " by network depth, under Gaussian input noise, and under FGSM and PGD attacks, for every activation of the"
        + " config's robustness block. Trained networks are runs of the results store: a rerun reuses finished ones."
        + " Writes <experiment>.csv/.png and summary.md into the output folder.")
final class RobustnessCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true,
      description = "Path or Hadoop URI (hdfs://, s3a://, file:) of the config file with a robustness { ... } block, e.g. conf/robustness-quick.conf.")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set robustness.training.epochs=3 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--output", description = "Output folder (default: the config's robustness.output).")
  Path output;

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>(overrides);
    if (output != null) {
      all.add("robustness.output=" + output);
    }
    RobustnessConfig cfg = RobustnessConfig.load(config, all);
    spec.commandLine().getOut().println("robustness: config " + cfg);
    RobustnessExperiment.Summary s = new RobustnessExperiment(cfg, System.out).run();
    spec.commandLine().getOut().printf("robustness: %d networks trained, %d reused from %s; wrote %s into %s%n", s.trained(), s.reused(),
        cfg.results(), String.join(", ", s.files()), cfg.output());
    return 0;
  }
}
