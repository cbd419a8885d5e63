package io.mishbench.jobs;

import io.mishbench.data.DatasetPreparer;
import io.mishbench.data.ImageDecoder;
import io.mishbench.data.Manifest;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.train.SparkSetup;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Turns an ImageNet-style dataset (train/<class>/*, val/<class>/*) on any Hadoop FileSystem into"
        + " shards of pre-resized images and a manifest.")
final class PrepareCommand implements Callable<Integer> {

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

  @Option(names = "--strict", description = "Fail on an undecodable image instead of skipping it (skips are listed in the manifest).")
  boolean strict;

  @Option(names = "--overwrite", description = "Replace an existing prepared dataset at --output.")
  boolean overwrite;

  @Option(names = "--seed", defaultValue = "1", description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    var options =
        new DatasetPreparer.Options(HadoopFiles.resolve(input), HadoopFiles.resolve(output), imageSize, channels,
            shardSize, strict, overwrite, seed, encoding == null ? null : ImageDecoder.Encoding.parse(encoding));
    DatasetPreparer.validate(options, new Configuration()); // bad input fails before Spark starts
    try (JavaSparkContext sc = SparkSetup.context("mishbench prepare")) {
      Manifest m = DatasetPreparer.prepare(sc, options);
      System.out.printf("prepare: %d classes, %d train and %d val images (%d skipped) -> %s%n",
          m.classes().size(), m.train().count(), m.val().count(), m.skipped().size(), options.output());
    }
    return 0;
  }
}
