package io.mishbench.data;

import io.mishbench.data.ImageFolderScanner.LabeledFile;
import io.mishbench.data.ImageFolderScanner.Listing;
import io.mishbench.data.ImageFolderScanner.Skipped;
import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code prepare} step: an ImageNet-style folder on any Hadoop FileSystem becomes shards of
 * encoded images, resized so their shorter side is the image size, and a manifest.
 *
 * <p>The driver lists the dataset and validates its layout before any task runs. Files are shuffled
 * with a fixed seed (so every shard mixes classes), cut into shards and decoded by Spark tasks, which
 * write into a hidden staging folder. Only when every task succeeded is the staging folder moved to
 * {@code shards/} and {@code manifest.json} written (atomically, last): a crash leaves no manifest,
 * so nothing half-written is ever taken for a prepared dataset.
 */
public final class DatasetPreparer {

  private static final Logger log = LoggerFactory.getLogger(DatasetPreparer.class);

  /**
   * Options of one prepare.
   *
   * @param input ImageNet-style dataset root
   * @param output prepared dataset folder
   * @param resolution the shorter side of the stored images in pixels, 8..1024
   * @param channels 1 (grey) or 3 (RGB)
   * @param shardSize images per shard, 1..1,000,000
   * @param strict fail on the first undecodable image instead of skipping it
   * @param overwrite replace an existing prepared dataset at {@code output}
   * @param seed shuffle seed
   * @param encoding how images are stored; null for PNG when grey, JPEG (quality 95) when RGB
   */
  public record Options(
      URI input, URI output, int resolution, int channels, int shardSize, boolean strict, boolean overwrite, long seed,
      ImageDecoder.Encoding encoding) {

    /** Options with the default encoding for {@code channels}. */
    public Options(
        URI input, URI output, int resolution, int channels, int shardSize, boolean strict, boolean overwrite, long seed) {
      this(input, output, resolution, channels, shardSize, strict, overwrite, seed, null);
    }

    public Options {
      if (encoding == null) {
        encoding = channels == 1 ? ImageDecoder.Encoding.PNG : ImageDecoder.Encoding.JPEG;
      }
      if (resolution < 8 || resolution > 1024) {
        throw new IllegalArgumentException("image size must be in [8, 1024] pixels, got " + resolution);
      }
      if (channels != 1 && channels != 3) {
        throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
      }
      if (shardSize < 1 || shardSize > 1_000_000) {
        throw new IllegalArgumentException("shard size must be in [1, 1000000] images, got " + shardSize);
      }
    }
  }

  private DatasetPreparer() {}

  /** One shard to produce: which files go into it. */
  record ShardTask(String split, int index, List<LabeledFile> files) implements Serializable {}

  /** What a task produced. */
  record ShardOutcome(String split, int index, String file, int count, long[] perClass, List<Skipped> skipped)
      implements Serializable {}

  /**
   * Checks the input and output before Spark work starts: the dataset layout and that the output is
   * not already a prepared dataset (unless overwriting).
   *
   * @return the dataset listing
   */
  public static Listing validate(Options o, Configuration conf) {
    Listing listing = ImageFolderScanner.scan(o.input(), conf);
    try {
      FileSystem outFs = HadoopFiles.fs(o.output(), conf);
      Path manifest = new Path(new Path(o.output()), Manifest.FILE_NAME);
      if (outFs.exists(manifest) && !o.overwrite()) {
        throw new IllegalArgumentException(
            "output " + o.output() + " already holds a prepared dataset; pass --overwrite to replace it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect output " + o.output() + ": " + e.getMessage(), e);
    }
    return listing;
  }

  /** Prepares the dataset; returns the manifest written. */
  public static Manifest prepare(JavaSparkContext sc, Options o) throws IOException {
    Configuration conf = sc.hadoopConfiguration();
    Listing listing = validate(o, conf);
    int numClasses = listing.classes().size();
    log.info("preparing {}: {} classes, {} train and {} val files, {} skipped while listing",
        o.input(), numClasses, listing.train().size(), listing.val().size(), listing.skipped().size());

    FileSystem fs = HadoopFiles.fs(o.output(), conf);
    Path out = new Path(o.output());
    fs.mkdirs(out);
    for (var st : fs.listStatus(out)) {
      if (st.getPath().getName().startsWith(".staging-")) {
        fs.delete(st.getPath(), true); // leftovers of an earlier crashed prepare
      }
    }
    Path staging = new Path(out, ".staging-" + UUID.randomUUID());
    fs.mkdirs(staging);

    List<ShardTask> tasks = new ArrayList<>();
    tasks.addAll(shardTasks("train", listing.train(), o.shardSize(), o.seed()));
    tasks.addAll(shardTasks("val", listing.val(), o.shardSize(), o.seed() + 1));
    SerializableConfiguration sconf = new SerializableConfiguration(conf);
    String stagingUri = staging.toUri().toString();
    int resolution = o.resolution();
    int channels = o.channels();
    ImageDecoder.Encoding encoding = o.encoding();
    boolean strict = o.strict();
    List<ShardOutcome> outcomes;
    try {
      outcomes =
          sc.parallelize(tasks, Math.max(1, tasks.size()))
              .map(t -> writeShard(t, stagingUri, resolution, channels, encoding, numClasses, strict, sconf.value()))
              .collect();
    } catch (Exception e) { // Spark rethrows task failures as the checked SparkException
      fs.delete(staging, true);
      throw unwrap(e);
    }

    List<Skipped> skipped = new ArrayList<>(listing.skipped());
    outcomes.forEach(oc -> skipped.addAll(oc.skipped()));
    Manifest.Split train = split("train", outcomes, numClasses);
    Manifest.Split val = split("val", outcomes, numClasses);
    List<String> empty = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      if (train.perClass().get(c) == 0) {
        empty.add(listing.classes().get(c));
      }
    }
    if (!empty.isEmpty()) {
      fs.delete(staging, true);
      throw new IllegalArgumentException(
          "no decodable train images in class(es) " + empty + " of " + o.input() + " (see skipped files)");
    }
    Path shards = new Path(out, "shards");
    Path manifestPath = new Path(out, Manifest.FILE_NAME);
    fs.delete(manifestPath, false);
    fs.delete(shards, true);
    if (!fs.rename(staging, shards)) {
      throw new IOException("cannot move " + staging + " to " + shards);
    }
    Manifest m =
        new Manifest(
            Manifest.FORMAT_VERSION, o.input().toString(), resolution, channels, encoding.name().toLowerCase(),
            o.seed(), listing.classes(), train, val, skipped, Instant.now().toString());
    HadoopFiles.writeJson(manifestPath.toUri(), m, conf);
    log.info("prepared {}: {} train, {} val images in {} shards, {} files skipped",
        o.output(), train.count(), val.count(), outcomes.size(), skipped.size());
    return m;
  }

  private static List<ShardTask> shardTasks(String split, List<LabeledFile> files, int shardSize, long seed) {
    List<LabeledFile> shuffled = new ArrayList<>(files);
    Collections.shuffle(shuffled, new Random(seed));
    List<ShardTask> tasks = new ArrayList<>();
    for (int start = 0, i = 0; start < shuffled.size(); start += shardSize, i++) {
      tasks.add(new ShardTask(split, i, List.copyOf(shuffled.subList(start, Math.min(shuffled.size(), start + shardSize)))));
    }
    return tasks;
  }

  static ShardOutcome writeShard(
      ShardTask t, String stagingUri, int resolution, int channels, ImageDecoder.Encoding encoding, int numClasses,
      boolean strict, Configuration conf) throws IOException {
    List<Integer> labels = new ArrayList<>();
    List<ImageDecoder.Stored> images = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    long[] perClass = new long[numClasses];
    for (LabeledFile f : t.files()) {
      URI uri = URI.create(f.path());
      try (InputStream in = HadoopFiles.fs(uri, conf).open(new Path(uri))) {
        images.add(ImageDecoder.prepare(in, resolution, channels, encoding));
        labels.add(f.label());
        perClass[f.label()]++;
      } catch (IOException e) {
        if (strict) {
          throw new IllegalArgumentException("cannot decode " + f.path() + ": " + e.getMessage() + " (--strict)", e);
        }
        skipped.add(new Skipped(f.path(), e.getMessage()));
      }
    }
    String file = String.format("%s-%05d.msh", t.split(), t.index());
    Path staging = new Path(URI.create(stagingUri));
    Shards.write(HadoopFiles.fs(staging.toUri(), conf), new Path(staging, file), channels, labels, images);
    return new ShardOutcome(t.split(), t.index(), "shards/" + file, labels.size(), perClass, skipped);
  }

  private static Manifest.Split split(String name, List<ShardOutcome> outcomes, int numClasses) {
    long[] perClass = new long[numClasses];
    List<Manifest.Shard> shards = new ArrayList<>();
    long count = 0;
    for (ShardOutcome oc : outcomes) {
      if (!oc.split().equals(name)) {
        continue;
      }
      for (int c = 0; c < numClasses; c++) {
        perClass[c] += oc.perClass()[c];
      }
      count += oc.count();
      if (oc.count() > 0) {
        shards.add(new Manifest.Shard(oc.file(), oc.count()));
      }
    }
    List<Long> pc = new ArrayList<>();
    for (long v : perClass) {
      pc.add(v);
    }
    return new Manifest.Split(count, pc, shards);
  }

  /** Surfaces a task's IllegalArgumentException (a --strict failure) as the caller's error. */
  private static RuntimeException unwrap(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof IllegalArgumentException iae) {
        return iae;
      }
    }
    String msg = String.valueOf(e.getMessage());
    int i = msg.indexOf("IllegalArgumentException: ");
    if (i >= 0) {
      String reason = msg.substring(i + "IllegalArgumentException: ".length()).lines().findFirst().orElse(msg);
      return new IllegalArgumentException(reason, e);
    }
    return e instanceof RuntimeException re ? re : new IllegalStateException("prepare failed: " + e.getMessage(), e);
  }

}
