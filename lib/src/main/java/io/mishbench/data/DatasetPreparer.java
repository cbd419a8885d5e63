package io.mishbench.data;

import io.mishbench.data.ImageFolderScanner.LabeledFile;
import io.mishbench.data.ImageFolderScanner.Listing;
import io.mishbench.data.ImageFolderScanner.Skipped;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.RunLock;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
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
 * encoded images, resized so their shorter side is the image size, a manifest and a class index.
 *
 * <p>The driver lists the dataset and validates its layout before any task runs (see {@link
 * ImageFolderScanner}: an empty class folder is skipped with the reason {@code "empty class folder"}
 * and is not a class). Files are shuffled with a fixed seed (so every shard mixes classes), cut into
 * shards and decoded by Spark tasks, which write into a hidden staging folder. Files that cannot be
 * used (undecodable, truncated, unreadable, too large, ...) are skipped and listed in the manifest with
 * their reason; with {@code strict} the prepare fails instead, naming every such file in one message.
 *
 * <p>Output, in the prepared dataset folder: {@code shards-<id>/} (the shard files), {@code
 * classes.txt} ({@link ClassIndex}) and {@code manifest.json}, written last and atomically; shard paths
 * in the manifest are relative to the dataset folder. A crash or failure leaves no new manifest and
 * leaves an existing prepared dataset intact and openable: a rerun with the same input and options
 * finds it up to date and does no work; other options need {@code overwrite}, which writes the new
 * shards into a fresh folder, swaps the manifest, and only then deletes the previous shards.
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
   * @param strict fail, listing every file that cannot be used, instead of skipping them
   * @param overwrite replace an existing prepared dataset at {@code output} made from other input or
   *     options (one made from the same input and options is reused all the same; delete its
   *     manifest.json to force a new prepare)
   * @param seed shuffle seed
   * @param encoding how images are stored; null for PNG when grey, JPEG (quality 95) when RGB
   * @param valLabels labels file for a flat val/ folder ({@link ValLabels}); null to auto-detect
   *     {@code LOC_val_solution.csv} at the input root when val/ holds images
   * @param classIndex class list to use ({@link ClassIndex}); null for the sorted train class folders
   */
  public record Options(
      URI input, URI output, int resolution, int channels, int shardSize, boolean strict, boolean overwrite, long seed,
      ImageDecoder.Encoding encoding, URI valLabels, URI classIndex) {

    /** Options without a val labels file or class index. */
    public Options(
        URI input, URI output, int resolution, int channels, int shardSize, boolean strict, boolean overwrite, long seed,
        ImageDecoder.Encoding encoding) {
      this(input, output, resolution, channels, shardSize, strict, overwrite, seed, encoding, null, null);
    }

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

  /**
   * The result of {@link #validate}: the listing, and the prepared dataset already at the output if
   * it was made from the same input and options (then prepare has nothing to do).
   */
  public record Plan(Listing listing, Manifest upToDate) {}

  private DatasetPreparer() {}

  /** One shard to produce: which files go into it. */
  record ShardTask(String split, int index, List<LabeledFile> files) implements Serializable {}

  /** What a task produced. */
  record ShardOutcome(String split, int index, String file, int count, long[] perClass, List<Skipped> skipped,
      Shards.Written written) implements Serializable {}

  /**
   * Checks the input and output before Spark work starts: the dataset layout, and whether the output
   * already holds a prepared dataset, which is either up to date (same input and options) or needs
   * {@code overwrite}.
   *
   * @throws IllegalArgumentException naming the problem: bad layout, or an existing prepared dataset
   *     made differently without {@code overwrite}
   */
  public static Plan validate(Options o, Configuration conf) {
    Listing listing = ImageFolderScanner.scan(o.input(), o.valLabels(), o.classIndex(), conf);
    URI manifestUri = HadoopFiles.child(o.output(), Manifest.FILE_NAME);
    try {
      FileSystem outFs = HadoopFiles.fs(o.output(), conf);
      if (!outFs.exists(new Path(manifestUri))) {
        return new Plan(listing, null);
      }
      List<String> differences;
      Manifest existing = null;
      try {
        existing = HadoopFiles.readJson(manifestUri, Manifest.class, conf);
        differences = differences(existing, o, listing);
      } catch (IOException e) {
        differences = List.of("its manifest is unreadable (" + e.getMessage() + ")");
      }
      if (differences.isEmpty()) {
        return new Plan(listing, existing);
      }
      if (!o.overwrite()) {
        throw new IllegalArgumentException("output " + o.output() + " already holds a prepared dataset that differs: "
            + String.join("; ", differences) + "; pass --overwrite to replace it");
      }
      return new Plan(listing, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect output " + o.output() + ": " + e.getMessage(), e);
    }
  }

  /** How an existing manifest differs from what {@code o} over {@code listing} would make. */
  private static List<String> differences(Manifest m, Options o, Listing listing) {
    List<String> d = new ArrayList<>();
    if (m.inputDigest() == null) {
      d.add("it was prepared by an earlier mishbench that did not record its input and options");
      return d;
    }
    diff(d, "format version", m.version(), Manifest.FORMAT_VERSION);
    diff(d, "source", m.source(), o.input().toString());
    diff(d, "image size", m.resolution(), o.resolution());
    diff(d, "channels", m.channels(), o.channels());
    diff(d, "encoding", m.encoding(), encodingName(o.encoding()));
    diff(d, "shard size", m.shardSize(), o.shardSize());
    diff(d, "seed", m.seed(), o.seed());
    diff(d, "classes", m.classes(), listing.classes());
    if (d.isEmpty() && !digest(listing).equals(m.inputDigest())) {
      d.add("the input files changed");
    }
    return d;
  }

  private static void diff(List<String> d, String what, Object was, Object now) {
    if (!Objects.equals(was, now)) {
      String a = String.valueOf(was);
      String b = String.valueOf(now);
      d.add(what + " " + (a.length() > 80 ? a.substring(0, 80) + "..." : a) + " (now "
          + (b.length() > 80 ? b.substring(0, 80) + "..." : b) + ")");
    }
  }

  /**
   * Prepares the dataset; returns the manifest written, or the existing one when the output is
   * already up to date.
   *
   * @throws IllegalArgumentException for bad layout, with {@code strict} when any file cannot be used
   *     (listing every file and reason), or when no train image could be used
   */
  public static Manifest prepare(JavaSparkContext sc, Options o) throws IOException {
    Configuration conf = sc.hadoopConfiguration();
    Plan plan = validate(o, conf);
    if (plan.upToDate() != null) {
      log.info("{} is up to date (same input and options), nothing to do", o.output());
      return plan.upToDate();
    }
    Optional<RunLock> lock = lockOutput(o.output(), conf);
    try {
      return prepareLocked(sc, o, plan, conf);
    } finally {
      lock.ifPresent(RunLock::close);
    }
  }

  /**
   * The output's lock, so that two prepares into one folder never delete each other's staging or
   * shards; empty on object stores, which cannot hold one (then concurrent prepares are the user's
   * to avoid, and a warning says so).
   *
   * @throws IllegalArgumentException when another prepare holds it
   */
  private static Optional<RunLock> lockOutput(URI output, Configuration conf) {
    try {
      RunLock.checkLockable(output, conf);
    } catch (IllegalArgumentException e) {
      log.warn("{}: not locked ({}); do not run two prepares into it at once", output, e.getMessage());
      return Optional.empty();
    }
    Optional<RunLock> lock = RunLock.acquire(output, conf);
    if (lock.isEmpty()) {
      throw new IllegalArgumentException("another prepare is writing " + output + " now; run this one after it ends");
    }
    return lock;
  }

  private static Manifest prepareLocked(JavaSparkContext sc, Options o, Plan plan, Configuration conf)
      throws IOException {
    Plan now = validate(o, conf); // under the lock: a prepare that just finished may have made it up to date
    if (now.upToDate() != null) {
      log.info("{} is up to date (same input and options), nothing to do", o.output());
      return now.upToDate();
    }
    Listing listing = now.listing();
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
    String shardDir = "shards-" + UUID.randomUUID();
    Path staging = new Path(out, ".staging-" + shardDir);
    fs.mkdirs(staging);

    List<ShardTask> tasks = new ArrayList<>();
    tasks.addAll(shardTasks("train", listing.train(), o.shardSize(), o.seed()));
    tasks.addAll(shardTasks("val", listing.val(), o.shardSize(), o.seed() + 1));
    SerializableConfiguration sconf = new SerializableConfiguration(conf);
    String stagingUri = staging.toUri().toString();
    int resolution = o.resolution();
    int channels = o.channels();
    ImageDecoder.Encoding encoding = o.encoding();
    List<ShardOutcome> outcomes;
    try {
      outcomes =
          sc.parallelize(tasks, Math.max(1, tasks.size()))
              .map(t -> writeShard(t, stagingUri, shardDir, resolution, channels, encoding, numClasses, sconf.value()))
              .collect();
    } catch (Exception e) { // Spark rethrows task failures as the checked SparkException
      fs.delete(staging, true);
      throw unwrap(e);
    }

    List<Skipped> skipped = new ArrayList<>(listing.skipped());
    outcomes.forEach(oc -> skipped.addAll(oc.skipped()));
    Manifest.Split train = split("train", outcomes, numClasses);
    Manifest.Split val = split("val", outcomes, numClasses);
    String problem = problem(o, listing, skipped, train, val);
    if (problem != null) {
      fs.delete(staging, true);
      throw new IllegalArgumentException(problem);
    }
    Path shards = new Path(out, shardDir);
    if (!fs.rename(staging, shards)) {
      fs.delete(staging, true);
      throw new IOException("cannot move " + staging + " to " + shards);
    }
    Set<String> previous = shardFolders(o.output(), conf); // the dataset being replaced
    Manifest m =
        new Manifest(
            Manifest.FORMAT_VERSION, o.input().toString(), resolution, channels, encodingName(encoding), o.seed(),
            o.shardSize(), digest(listing), listing.classes(), train, val, skipped, Instant.now().toString());
    try {
      HadoopFiles.writeText(HadoopFiles.child(o.output(), ClassIndex.FILE_NAME), ClassIndex.format(listing.classes()), conf);
      HadoopFiles.writeJson(HadoopFiles.child(o.output(), Manifest.FILE_NAME), m, conf); // the commit point
    } catch (IOException | RuntimeException e) {
      fs.delete(shards, true);
      throw e;
    }
    // shards of earlier datasets and of prepares that crashed; the dataset just replaced keeps its
    // shards until the next prepare, so a run that opened it before the swap reads on
    for (var st : fs.listStatus(out)) {
      String name = st.getPath().getName();
      if (st.isDirectory() && (name.equals("shards") || name.startsWith("shards-")) && !name.equals(shardDir)
          && !previous.contains(name)) {
        fs.delete(st.getPath(), true);
      }
    }
    log.info("prepared {}: {} train, {} val images in {} shards, {} files skipped",
        o.output(), train.count(), val.count(), outcomes.size(), skipped.size());
    return m;
  }

  /** The shard folders the manifest at {@code output} uses; empty when there is none or it is unreadable. */
  private static Set<String> shardFolders(URI output, Configuration conf) {
    try {
      Manifest m = HadoopFiles.readJson(HadoopFiles.child(output, Manifest.FILE_NAME), Manifest.class, conf);
      Set<String> folders = new HashSet<>();
      for (Manifest.Split s : List.of(m.train(), m.val())) {
        s.shards().forEach(sh -> folders.add(sh.file().substring(0, Math.max(0, sh.file().indexOf('/')))));
      }
      return folders;
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /** Why the prepared result must not be kept; null when it may. */
  private static String problem(
      Options o, Listing listing, List<Skipped> skipped, Manifest.Split train, Manifest.Split val) {
    if (o.strict() && !skipped.isEmpty()) {
      StringBuilder sb = new StringBuilder("--strict: " + skipped.size() + " file(s) of " + o.input() + " cannot be used:");
      skipped.forEach(s -> sb.append("\n  ").append(s.path()).append(": ").append(s.reason()));
      return sb.toString();
    }
    if (train.count() == 0) {
      return "no usable train images in " + o.input() + ": all " + listing.train().size() + " image files were skipped"
          + (skipped.isEmpty() ? "" : " (first: " + skipped.get(0).path() + ": " + skipped.get(0).reason() + ")");
    }
    if (val.count() == 0) { // found here, not at a run's first evaluation
      String first = skipped.stream().filter(s -> s.path().contains("/val/")).findFirst()
          .map(s -> " (first: " + s.path() + ": " + s.reason() + ")").orElse("");
      return "no usable val images in " + o.input() + (listing.val().isEmpty() ? ": val/ holds no image files"
          : ": all " + listing.val().size() + " val image files were skipped" + first);
    }
    List<String> lost = new ArrayList<>();
    for (int c = 0; c < listing.classes().size(); c++) {
      int label = c;
      if (train.perClass().get(c) == 0 && listing.train().stream().anyMatch(f -> f.label() == label)) {
        lost.add(listing.classes().get(c));
      }
    }
    if (!lost.isEmpty()) {
      return "no decodable train images in class(es) " + lost + " of " + o.input() + " (see skipped files)";
    }
    return null;
  }

  private static String encodingName(ImageDecoder.Encoding e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /**
   * SHA-256 of a listing: every file with its label, length and modification time (so an image
   * replaced under the same name counts as changed input), and every skip.
   */
  static String digest(Listing listing) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (var split : List.of(listing.train(), listing.val())) {
        for (LabeledFile f : split) {
          md.update((f.path() + "\t" + f.label() + "\t" + f.length() + "\t" + f.modified() + "\n")
              .getBytes(StandardCharsets.UTF_8));
        }
        md.update((byte) 0);
      }
      for (Skipped s : listing.skipped()) {
        md.update((s.path() + "\t" + s.reason() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
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

  /** Decodes the files of one shard and writes it; files that cannot be used are returned as skipped. */
  static ShardOutcome writeShard(
      ShardTask t, String stagingUri, String shardDir, int resolution, int channels, ImageDecoder.Encoding encoding,
      int numClasses, Configuration conf) throws IOException {
    List<Integer> labels = new ArrayList<>();
    List<ImageDecoder.Stored> images = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    long[] perClass = new long[numClasses];
    for (LabeledFile f : t.files()) {
      Path file = HadoopFiles.path(f.path());
      ImageDecoder.Stored stored;
      try (InputStream in = HadoopFiles.fs(file.toUri(), conf).open(file)) {
        stored = ImageDecoder.prepare(in, resolution, channels, encoding);
      } catch (IOException e) {
        skipped.add(new Skipped(f.path(), reason(e)));
        continue;
      } catch (RuntimeException | OutOfMemoryError e) { // one file's decoder bug or huge allocation: not the job's
        skipped.add(new Skipped(f.path(), "undecodable image: " + e));
        continue;
      }
      images.add(stored);
      labels.add(f.label());
      perClass[f.label()]++;
    }
    String name = String.format("%s-%05d.msh", t.split(), t.index());
    Path staging = new Path(URI.create(stagingUri));
    Shards.Written written =
        Shards.write(HadoopFiles.fs(staging.toUri(), conf), new Path(staging, name), channels, labels, images);
    return new ShardOutcome(t.split(), t.index(), shardDir + "/" + name, labels.size(), perClass, skipped, written);
  }

  /** A skip reason from a read or decode failure. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException
        || (e.getMessage() != null && e.getMessage().contains("Permission denied"))) {
      return "unreadable: permission denied";
    }
    if (e instanceof java.io.FileNotFoundException) {
      return "unreadable: " + e.getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
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
        shards.add(new Manifest.Shard(oc.file(), oc.count(), oc.written().bytes(), oc.written().crc32c()));
      }
    }
    List<Long> pc = new ArrayList<>();
    for (long v : perClass) {
      pc.add(v);
    }
    return new Manifest.Split(count, pc, shards);
  }

  /** Surfaces a task's IllegalArgumentException as the caller's error. */
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
