package io.mishbench.jobs;

import io.mishbench.data.PreparedDataset;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE [--set key=value]...}, shared by train and benchmark. */
final class ExperimentOptions {

  @Option(names = "--config", required = true, description = "Path or Hadoop URI (hdfs://, s3a://, file:) of the experiment file (HOCON), e.g. conf/quickstart.conf.")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set training.epochs=3 (repeatable).")
  List<String> overrides = new ArrayList<>();

  /** A config and its dataset, both checked: everything that can be wrong before Spark starts. */
  record Checked(ExperimentConfig config, PreparedDataset dataset) {}

  Checked load() {
    ExperimentConfig cfg = ConfigLoader.load(config, overrides);
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), HadoopFiles.configuration());
    return new Checked(cfg, ds);
  }
}
