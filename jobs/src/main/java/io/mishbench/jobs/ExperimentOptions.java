package io.mishbench.jobs;

import io.mishbench.data.PreparedDataset;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.fs.StoreProbe;
import io.mishbench.results.RunLock;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.SparkSetup;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** {@code --config FILE [--set key=value]...}, shared by train and benchmark. */
final class ExperimentOptions {

  @Option(names = "--config", required = true,
      description = "Experiment file (HOCON), e.g. conf/quickstart.conf: a path or a Hadoop URI (hdfs://, s3a://, file:).")
  String config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set training.epochs=3 (repeatable).")
  List<String> overrides = new ArrayList<>();

  /** A config and its dataset, both checked: everything that can be wrong before Spark starts. */
  record Checked(ExperimentConfig config, PreparedDataset dataset) {}

  Checked load() {
    Configuration conf = SparkSetup.hadoopConfiguration();
    URI location = HadoopFiles.resolve(config);
    StoreProbe.check(conf, location);
    ExperimentConfig cfg = ConfigLoader.load(location, overrides, conf);
    StoreProbe.check(conf, cfg.dataset(), cfg.results());
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), conf);
    return new Checked(cfg, ds);
  }

  /** {@link #load}, and the results store must be able to hold run locks (train, benchmark: see RunLock). */
  Checked loadToRecord() {
    Checked in = load();
    RunLock.checkSupported(in.config().results(), SparkSetup.hadoopConfiguration());
    return in;
  }
}
