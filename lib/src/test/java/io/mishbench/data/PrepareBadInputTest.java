package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.ImageFolderScanner.Skipped;
import io.mishbench.train.SparkSetup;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare on a dataset with every kind of bad file, each created for real on disk: the good ones are
 * all used (converted when needed), the bad ones skipped with their reason, and {@code --strict}
 * names them all in one failure.
 */
class PrepareBadInputTest {

  static JavaSparkContext sc;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("bad-input")));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  /** Bad file name (under train/a) to the start of its expected skip reason. */
  private final Map<String, String> bad = new LinkedHashMap<>();

  /**
   * Class a: 3 good RGB PNGs and every bad file; class b: 3 good RGB PNGs plus a 16-bit PNG, a PNG
   * with alpha, a grey JPEG and a CMYK JPEG; an empty class folder; a file at the top of train/.
   */
  private Path dataset(boolean withUnreadable) throws Exception {
    Path raw = dir.resolve("raw");
    for (String c : List.of("a", "b")) {
      for (int i = 0; i < 3; i++) {
        TestImages.write(raw.resolve("train/" + c + "/good" + i + ".png"),
            TestImages.noise(24, 20, BufferedImage.TYPE_3BYTE_BGR, i), "png");
      }
      TestImages.write(raw.resolve("val/" + c + "/v.png"), TestImages.noise(20, 20, BufferedImage.TYPE_3BYTE_BGR, 9), "png");
    }
    Path b = raw.resolve("train/b");
    TestImages.write(b.resolve("sixteen.png"), TestImages.noise(20, 30, BufferedImage.TYPE_USHORT_GRAY, 1), "png");
    TestImages.write(b.resolve("alpha.png"), TestImages.noise(30, 20, BufferedImage.TYPE_INT_ARGB, 2), "png");
    TestImages.write(b.resolve("grey.jpg"), TestImages.noise(20, 20, BufferedImage.TYPE_BYTE_GRAY, 3), "jpeg");
    TestImages.cmykJpeg(b.resolve("cmyk.jpg"), 20, 20, new int[] {10, 200, 30, 40});

    Path a = raw.resolve("train/a");
    TestImages.truncatedJpeg(a.resolve("truncated.jpg"));
    bad.put("truncated.jpg", "truncated or corrupt image");
    Files.write(a.resolve("zero.jpg"), new byte[0]);
    bad.put("zero.jpg", "empty file");
    Files.writeString(a.resolve("text.JPEG"), "this is not a picture\n");
    bad.put("text.JPEG", "not a readable image format");
    TestImages.pngClaiming(a.resolve("huge.png"), 30000, 30000);
    bad.put("huge.png", "image of 30000x30000 pixels exceeds the limit");
    Files.createSymbolicLink(a.resolve("dangling.jpg"), dir.resolve("gone.jpg"));
    bad.put("dangling.jpg", "unreadable: dangling link");
    if (withUnreadable) {
      Path locked = TestImages.write(a.resolve("locked.png"), TestImages.noise(20, 20, BufferedImage.TYPE_3BYTE_BGR, 5), "png");
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
      Assumptions.assumeFalse(Files.isReadable(locked), "running as root: a chmod 000 file stays readable");
      bad.put("locked.png", "unreadable: permission denied");
    }
    Files.createDirectories(raw.resolve("train/empty"));
    bad.put("empty", "empty class folder");
    Files.writeString(raw.resolve("train/top.jpg"), "stray");
    bad.put("top.jpg", "file outside a class folder");
    return raw;
  }

  private DatasetPreparer.Options options(Path in, boolean strict) {
    return new DatasetPreparer.Options(in.toUri(), dir.resolve("out").toUri(), 16, 3, 4, strict, false, 1);
  }

  @Test
  void goodImagesAreAllUsedAndEveryBadFileIsSkippedWithItsReason() throws Exception {
    Manifest m = DatasetPreparer.prepare(sc, options(dataset(false), false));

    assertEquals(List.of("a", "b"), m.classes(), "the empty class folder is not a class");
    assertEquals(List.of(3L, 7L), m.train().perClass(), "16-bit, alpha, grey and CMYK images converted and used");
    assertEquals(List.of(1L, 1L), m.val().perClass());
    for (var e : bad.entrySet()) {
      List<Skipped> hits = m.skipped().stream().filter(s -> s.path().endsWith("/" + e.getKey())).toList();
      assertEquals(1, hits.size(), e.getKey() + " listed once in " + m.skipped());
      assertTrue(hits.get(0).reason().startsWith(e.getValue()),
          e.getKey() + ": expected a reason starting '" + e.getValue() + "', got '" + hits.get(0).reason() + "'");
    }
    assertEquals(bad.size(), m.skipped().size(), m.skipped().toString());
    assertEquals(10, PreparedDataset.open(dir.resolve("out").toUri(), new Configuration()).manifest().train().count());
  }

  @Test
  void anUnreadableFileIsSkipped() throws Exception {
    Path raw = dataset(true); // skipped as a test when running as root
    Manifest m = DatasetPreparer.prepare(sc, options(raw, false));
    assertTrue(m.skipped().stream().anyMatch(s -> s.path().endsWith("locked.png") && s.reason().startsWith("unreadable")),
        m.skipped().toString());
    assertEquals(List.of(3L, 7L), m.train().perClass());
  }

  @Test
  void strictFailsNamingEveryBadFileAndLeavesNoManifest() throws Exception {
    Path raw = dataset(false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, true)));
    List<String> missing = new ArrayList<>();
    for (var b : bad.entrySet()) {
      if (!e.getMessage().contains(b.getKey() + ": " + b.getValue())) {
        missing.add(b.getKey());
      }
    }
    assertTrue(missing.isEmpty(), "not named with their reason: " + missing + " in: " + e.getMessage());
    assertTrue(e.getMessage().contains("--strict: " + bad.size() + " file(s)"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out/manifest.json")));
    assertFalse(Files.list(dir.resolve("out")).anyMatch(p -> p.getFileName().toString().contains("shards")),
        "no shard or staging folder left");
  }

  @Test
  void noUsableImageIsAClearFailure() throws Exception {
    Path raw = dir.resolve("allbad");
    Files.createDirectories(raw.resolve("val/a"));
    TestImages.truncatedJpeg(raw.resolve("train/a/cut.jpg"));
    Files.writeString(raw.resolve("train/a/fake.png"), "nope");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetPreparer.prepare(sc, options(raw, false)));
    assertTrue(e.getMessage().startsWith("no usable train images in ") && e.getMessage().contains("all 2 image files"),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve("out/manifest.json")));
  }
}
