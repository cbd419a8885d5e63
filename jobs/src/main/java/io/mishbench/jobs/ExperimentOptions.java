package io.mishbench.jobs;

import org.apache.hadoop.conf.Configuration;
import io.mishbench.data.PreparedDataset;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.fs.StoreProbe;
import io.mishbench.results.RunLock;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ExperimentConfig;
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
    Configuration conf = HadoopFiles.configuration();
    StoreProbe.check(conf, HadoopFiles.resolve(config));
    ExperimentConfig cfg = ConfigLoader.load(config, overrides);
    StoreProbe.check(conf, cfg.dataset(), cfg.results());
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), conf);
    return new Checked(cfg, ds);
  }

  /** {@link #load}, and the results store must be able to hold run locks (train, benchmark: see RunLock). */
  Checked loadToRecord() {
    Checked in = load();
    RunLock.checkSupported(in.config().results(), HadoopFiles.configuration());
    return in;
  }
}
