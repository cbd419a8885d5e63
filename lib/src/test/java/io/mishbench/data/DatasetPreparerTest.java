package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.train.SparkSetup;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare on real files in Spark local mode, and how it treats bad input. */
class DatasetPreparerTest {

  static JavaSparkContext sc;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("prepare")));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  private DatasetPreparer.Options options(Path in, Path out, boolean strict) {
    return new DatasetPreparer.Options(in.toUri(), out.toUri(), 16, 3, 7, strict, false, 1);
  }

  @Test
  void preparesShardsAndAManifestListingSkippedFiles() throws Exception {
    Path raw = dir.resolve("raw");
    SynthDataset.generate(new SynthDataset.Options(raw, 3, 10, 20, 1));
    Files.writeString(raw.resolve("train/class-001/broken.png"), "not a png");
    Files.writeString(raw.resolve("train/class-002/notes.txt"), "hello");
    Manifest m = DatasetPreparer.prepare(sc, options(raw, dir.resolve("out"), false));

    assertEquals(30, m.train().count());
    assertEquals(6, m.val().count());
    assertEquals(java.util.List.of(10L, 10L, 10L), m.train().perClass());
    assertEquals(5, m.train().shards().size(), "30 images in shards of 7");
    assertEquals(2, m.skipped().size(), m.skipped().toString());
    assertTrue(m.skipped().stream().anyMatch(s -> s.path().endsWith("broken.png")));
    assertTrue(m.skipped().stream().anyMatch(s -> s.path().endsWith("notes.txt") && s.reason().contains("not an image")));

    PreparedDataset ds = PreparedDataset.open(dir.resolve("out").toUri(), new Configuration());
    int total = 0;
    for (Shards.Ref ref : ds.shards("train")) {
      Shards.Content c = Shards.read(ref, new Configuration());
      Pixels px = ImageDecoder.decodeStored(c.images()[0], 3);
      assertEquals(16, Math.min(px.width(), px.height()), "stored with the shorter side at the image size");
      total += c.labels().length;
    }
    assertEquals(30, total);
    assertFalse(Files.list(dir.resolve("out")).anyMatch(p -> p.getFileName().toString().startsWith(".staging")));

    assertEquals(List.of("class-000", "class-001", "class-002"),
        Files.readAllLines(dir.resolve("out").resolve(ClassIndex.FILE_NAME)), "classes.txt: index = line number");
  }

  @Test
  void strictFailsOnAnUndecodableImageAndLeavesNoManifest() throws Exception {
    Path raw = dir.resolve("raw");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    Files.writeString(raw.resolve("val/class-000/broken.jpg"), "garbage");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, dir.resolve("out"), true)));
    assertTrue(e.getMessage().contains("broken.jpg"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out/manifest.json")));
    assertFalse(Files.list(dir.resolve("out")).anyMatch(p -> p.getFileName().toString().startsWith("shards")));
    assertThrows(IllegalArgumentException.class, () -> PreparedDataset.open(dir.resolve("out").toUri(), new Configuration()));
  }

  @Test
  void badInputIsReportedBeforeAnyWork() throws Exception {
    Configuration conf = new Configuration();
    Path missing = dir.resolve("nope");
    assertMessage(() -> DatasetPreparer.validate(options(missing, dir.resolve("o"), false), conf), "does not exist");

    Files.createDirectories(dir.resolve("empty/train"));
    Files.createDirectories(dir.resolve("empty/val"));
    assertMessage(() -> DatasetPreparer.validate(options(dir.resolve("empty"), dir.resolve("o"), false), conf), "is empty");

    Path raw = dir.resolve("raw");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 3, 16, 1));
    Files.createDirectories(raw.resolve("train/class-empty"));
    DatasetPreparer.Plan plan = DatasetPreparer.validate(options(raw, dir.resolve("o"), false), conf);
    assertEquals(List.of("class-000", "class-001"), plan.listing().classes(), "an empty class folder is not a class");
    assertTrue(plan.listing().skipped().stream()
        .anyMatch(s -> s.path().endsWith("class-empty") && s.reason().equals("empty class folder")), plan.toString());

    Files.createDirectories(dir.resolve("allempty/train/a"));
    Files.createDirectories(dir.resolve("allempty/val/a"));
    assertMessage(() -> DatasetPreparer.validate(options(dir.resolve("allempty"), dir.resolve("o"), false), conf),
        "no usable images");

    Files.createDirectories(dir.resolve("noval/train/a"));
    assertMessage(() -> DatasetPreparer.validate(options(dir.resolve("noval"), dir.resolve("o"), false), conf), "missing folder");
  }

  private DatasetPreparer.Options options(Path in, Path out, int resolution, boolean strict, boolean overwrite) {
    return new DatasetPreparer.Options(in.toUri(), out.toUri(), resolution, 3, 7, strict, overwrite, 1);
  }

  private static List<String> shardFolders(Path out) throws Exception {
    try (var s = Files.list(out)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.contains("shards")).sorted().toList();
    }
  }

  @Test
  void aRerunReusesAnUpToDateOutputAndOtherOptionsNeedOverwrite() throws Exception {
    Path raw = dir.resolve("raw");
    Path out = dir.resolve("out");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 6, 20, 1));
    Manifest first = DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    List<String> folders = shardFolders(out);
    assertEquals(1, folders.size(), folders.toString());
    assertTrue(first.train().shards().stream().allMatch(s -> s.file().startsWith(folders.get(0) + "/")),
        "shard paths relative to the dataset root: " + first.train().shards());

    Manifest again = DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    assertEquals(first, again, "the existing manifest, untouched (same createdAt)");
    assertEquals(folders, shardFolders(out), "no new shards written");

    IllegalArgumentException differs =
        assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, out, 24, false, false)));
    assertTrue(differs.getMessage().contains("image size 16 (now 24)") && differs.getMessage().contains("--overwrite"),
        differs.getMessage());

    Path any;
    try (var files = Files.list(raw.resolve("train/class-000"))) {
      any = files.findFirst().orElseThrow();
    }
    Files.copy(any, any.resolveSibling("extra.png"));
    IllegalArgumentException changed =
        assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, out, 16, false, false)));
    assertTrue(changed.getMessage().contains("input files changed"), changed.getMessage());

    Manifest replaced = DatasetPreparer.prepare(sc, options(raw, out, 24, false, true));
    assertEquals(24, replaced.resolution());
    assertEquals(13, replaced.train().count());
    List<String> now = shardFolders(out);
    assertEquals(2, now.size(), "new shards in a fresh folder, the replaced dataset's kept for runs reading it: " + now);
    assertTrue(now.containsAll(folders), now.toString());
    assertEquals(replaced, PreparedDataset.open(out.toUri(), new Configuration()).manifest());
    DatasetPreparer.prepare(sc, options(raw, out, 20, false, true));
    assertFalse(shardFolders(out).containsAll(folders), "the next prepare deletes them: " + shardFolders(out));
    assertEquals(2, shardFolders(out).size());
  }

  @Test
  void aFailingOverwriteLeavesTheExistingDatasetIntactAndOpenable() throws Exception {
    Path raw = dir.resolve("raw");
    Path out = dir.resolve("out");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    Manifest before = DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    List<String> folders = shardFolders(out);

    Files.writeString(raw.resolve("train/class-001/broken.jpg"), "garbage");
    assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, out, 20, true, true)));

    PreparedDataset ds = PreparedDataset.open(out.toUri(), new Configuration());
    assertEquals(before, ds.manifest());
    assertEquals(folders, shardFolders(out), "old shards kept, no staging left");
    int images = 0;
    for (Shards.Ref ref : ds.shards("train")) {
      images += Shards.read(ref, new Configuration()).labels().length;
    }
    assertEquals(8, images, "the old shards still read");
  }

  /** Names with every character that URI text would interpret, at every level of the tree and in the output. */
  static final List<String> HOSTILE = List.of("a b", "50%", "%20", "x#y", "why?", "[set]", "c:d", "q'u\"o", "é ü 名");

  @Test
  void pathsWithSpecialCharactersArePathsNotUriText() throws Exception {
    Path raw = dir.resolve("in " + String.join(" ", HOSTILE));
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    Files.move(raw.resolve("train/class-000"), raw.resolve("train/cls #1 %41"));
    Files.move(raw.resolve("val/class-000"), raw.resolve("val/cls #1 %41"));
    Files.move(raw.resolve("train/class-001"), raw.resolve("train/c:2?"));
    Files.move(raw.resolve("val/class-001"), raw.resolve("val/c:2?"));
    int k = 0;
    for (String cls : List.of("cls #1 %41", "c:2?")) {
      try (var files = Files.list(raw.resolve("train").resolve(cls))) {
        for (Path f : files.sorted().toList()) {
          Files.move(f, f.resolveSibling(HOSTILE.get(k++ % HOSTILE.size()) + ".png"));
        }
      }
    }
    Path out = dir.resolve("out #2 ?x=1 %2F [é]");
    // the same folders spelled as a user would type them: plain paths and file: locations
    URI in = HadoopFiles.resolve(raw.toString());
    URI outUri = HadoopFiles.resolve("file:" + out);
    Manifest m = DatasetPreparer.prepare(sc, new DatasetPreparer.Options(in, outUri, 16, 3, 3, true, false, 1));

    assertEquals(8, m.train().count(), "every hostile name read (strict: nothing skipped) " + m.skipped());
    assertEquals(List.of("c:2?", "cls #1 %41"), m.classes());
    assertTrue(Files.exists(out.resolve("manifest.json")), "the output is the folder named, not a cut or decoded one");
    PreparedDataset ds = PreparedDataset.open(HadoopFiles.resolve(out.toString()), new Configuration());
    int images = 0;
    for (String split : List.of("train", "val")) {
      for (Shards.Ref ref : ds.shards(split)) {
        images += Shards.read(ref, new Configuration()).labels().length;
      }
    }
    assertEquals(12, images);
    ShardBatches.TrainLoader loader = new ShardBatches.TrainLoader(ds, 1, 4, 1, 16, AugmentSettings.NONE, new Configuration());
    org.nd4j.linalg.dataset.DataSet batch = loader.load(1, 0, 1);
    assertEquals(4, batch.numExamples(), "a minibatch read from shards under a root with '#' in it");
  }

  @Test
  void anImageReplacedUnderTheSameNameIsChangedInput() throws Exception {
    Path raw = dir.resolve("raw");
    Path out = dir.resolve("out");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    Path image = raw.resolve("train/class-000/00000.png");
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(image);
    // same name: first another length with the old time, then the old length with another time
    byte[] original = Files.readAllBytes(image);
    Files.write(image, java.util.Arrays.copyOf(original, original.length + 7)); // bytes after IEND: still a PNG
    Files.setLastModifiedTime(image, mtime);
    assertMessage(() -> DatasetPreparer.prepare(sc, options(raw, out, 16, false, false)), "input files changed");
    Files.write(image, original);
    Files.setLastModifiedTime(image, java.nio.file.attribute.FileTime.fromMillis(mtime.toMillis() + 5000));
    assertMessage(() -> DatasetPreparer.prepare(sc, options(raw, out, 16, false, false)), "input files changed");
    Manifest rebuilt = DatasetPreparer.prepare(sc, options(raw, out, 16, false, true));
    assertEquals(rebuilt, DatasetPreparer.prepare(sc, options(raw, out, 16, false, false)), "then up to date");
  }

  @Test
  void aPrepareIntoAFolderAnotherPrepareIsWritingIsRefused() throws Exception {
    Path raw = dir.resolve("raw");
    Path out = Files.createDirectories(dir.resolve("out"));
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    try (var other = io.mishbench.results.RunLock.acquire(out.toUri(), new Configuration()).orElseThrow()) {
      assertMessage(() -> DatasetPreparer.prepare(sc, options(raw, out, 16, false, false)), "another prepare is writing");
    }
    DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    assertTrue(Files.exists(out.resolve(Manifest.FILE_NAME)));
  }

  @Test
  void anOverwriteLeavesTheReplacedShardsReadableForARunThatOpenedThem() throws Exception {
    Path raw = dir.resolve("raw");
    Path out = dir.resolve("out");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    DatasetPreparer.prepare(sc, options(raw, out, 16, false, false));
    PreparedDataset running = PreparedDataset.open(out.toUri(), new Configuration());
    DatasetPreparer.prepare(sc, options(raw, out, 20, false, true));
    for (Shards.Ref ref : running.shards("train")) {
      assertEquals(ref.count(), Shards.read(ref, new Configuration()).labels().length);
    }
  }

  @Test
  void anEmptyOrUndecodableValidationSplitIsRefusedByPrepare() throws Exception {
    Path raw = dir.resolve("raw");
    SynthDataset.generate(new SynthDataset.Options(raw, 2, 4, 16, 1));
    try (var files = Files.walk(raw.resolve("val"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.writeString(f, "not a png");
      }
    }
    assertMessage(() -> DatasetPreparer.prepare(sc, options(raw, dir.resolve("out"), 16, false, false)),
        "no usable val images");
    try (var files = Files.walk(raw.resolve("val"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.delete(f);
      }
    }
    assertMessage(() -> DatasetPreparer.prepare(sc, options(raw, dir.resolve("out"), 16, false, false)),
        "no usable val images");
    assertFalse(Files.exists(dir.resolve("out/manifest.json")));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), "expected '" + part + "' in: " + ex.getMessage());
  }
}
