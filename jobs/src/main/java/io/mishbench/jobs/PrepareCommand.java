package io.mishbench.jobs;

import io.mishbench.data.DatasetPreparer;
import io.mishbench.data.ImageDecoder;
import io.mishbench.data.Manifest;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.fs.StoreProbe;
import io.mishbench.train.SparkSetup;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Turns an ImageNet-style dataset (train/<class>/*, val/<class>/* or a flat val/ with a labels file)"
        + " on any Hadoop FileSystem into shards of pre-resized images, classes.txt and a manifest. Files that cannot"
        + " be used are skipped and listed in the manifest with their reason. A rerun with the same input and options"
        + " does nothing.")
final class PrepareCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--input", required = true, description = "Dataset root: a path or hdfs://, s3a://, file: URI.")
  String input;

  @Option(names = "--output", required = true, description = "Prepared dataset folder (path or URI).")
  String output;

  @Option(names = "--image-size", defaultValue = "64",
      description = "Shorter side of the stored images in pixels; the aspect ratio is kept (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--encoding", description = "png or jpeg (quality 95) (default: png when grey, jpeg when RGB).")
  String encoding;

  @Option(names = "--shard-size", defaultValue = "1000", description = "Images per shard (default: ${DEFAULT-VALUE}).")
  int shardSize;

  @Option(names = "--channels", defaultValue = "3", description = "1 (grey) or 3 (RGB) (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--strict",
      description = "Fail instead of skipping files that cannot be used, listing every such file and its reason"
          + " (without it, skips are listed in the manifest).")
  boolean strict;

  @Option(names = "--overwrite",
      description = "Replace a prepared dataset at --output that was made from other input or options; the old one"
          + " stays usable until the new manifest is written.")
  boolean overwrite;

  @Option(names = "--val-labels",
      description = "Labels of a flat val/ folder in LOC_val_solution.csv form (header ImageId,PredictionString; the"
          + " class is the first token of PredictionString, ImageId the file name without extension). Default: "
          + "LOC_val_solution.csv at the dataset root when val/ holds images rather than class folders.")
  String valLabels;

  @Option(names = "--class-index",
      description = "Class list to use, one name per line, index = line number (e.g. the classes.txt of another"
          + " prepared dataset). A train class missing from it is an error. Default: the sorted train class folders.")
  String classIndex;

  @Option(names = "--seed", defaultValue = "1", description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    var options =
        new DatasetPreparer.Options(HadoopFiles.resolve(input), HadoopFiles.resolve(output), imageSize, channels,
            shardSize, strict, overwrite, seed, encoding == null ? null : ImageDecoder.Encoding.parse(encoding),
            valLabels == null ? null : HadoopFiles.resolve(valLabels),
            classIndex == null ? null : HadoopFiles.resolve(classIndex));
    // bad input fails before Spark starts, and an up-to-date output needs no Spark at all
    Configuration conf = HadoopFiles.configuration();
    StoreProbe.check(conf, options.input(), options.output(), options.valLabels(), options.classIndex());
    if (DatasetPreparer.validate(options, conf).upToDate() != null) {
      spec.commandLine().getOut().printf("prepare: %s is up to date (same input and options), nothing to do%n", options.output());
      return 0;
    }
    try (JavaSparkContext sc = SparkSetup.context("mishbench prepare")) {
      Manifest m = DatasetPreparer.prepare(sc, options);
      spec.commandLine().getOut().printf("prepare: %d classes, %d train and %d val images (%d skipped) -> %s%n",
          m.classes().size(), m.train().count(), m.val().count(), m.skipped().size(), options.output());
    }
    return 0;
  }
}
