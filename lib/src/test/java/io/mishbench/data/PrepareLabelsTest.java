package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.train.SparkSetup;
import java.awt.image.BufferedImage;
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

/** Where labels come from: a flat ImageNet val/ with LOC_val_solution.csv, and --class-index. */
class PrepareLabelsTest {

  static JavaSparkContext sc;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("labels")));
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  private static void image(Path file, long seed) throws Exception {
    TestImages.write(file, TestImages.noise(20, 18, BufferedImage.TYPE_3BYTE_BGR, seed), "png");
  }

  /** train/n01/ (2 images), train/n02/ (3 images); a flat val/ of 5 images. */
  private Path imagenet() throws Exception {
    Path raw = dir.resolve("imagenet");
    for (int i = 0; i < 2; i++) {
      image(raw.resolve("train/n01/n01_" + i + ".png"), i);
    }
    for (int i = 0; i < 3; i++) {
      image(raw.resolve("train/n02/n02_" + i + ".png"), 10 + i);
    }
    for (int i = 1; i <= 5; i++) {
      image(raw.resolve("val/ILSVRC2012_val_0000000" + i + ".png"), 20 + i);
    }
    return raw;
  }

  private static final String LABELS = """
      ImageId,PredictionString
      ILSVRC2012_val_00000001,n01 10 20 30 40
      ILSVRC2012_val_00000002,n02 1 2 3 4 n02 5 6 7 8
      ILSVRC2012_val_00000003,n02 0 0 9 9
      ILSVRC2012_val_00000004,n99 1 1 2 2
      """; // 5 has no line

  private DatasetPreparer.Options options(Path in, String out, boolean strict, URI valLabels, URI classIndex) {
    return new DatasetPreparer.Options(
        in.toUri(), dir.resolve(out).toUri(), 12, 3, 2, strict, false, 1, null, valLabels, classIndex);
  }

  @Test
  void aFlatValFolderIsLabelledByLocValSolutionAtTheRoot() throws Exception {
    Path raw = imagenet();
    Files.writeString(raw.resolve(ValLabels.DEFAULT_FILE_NAME), LABELS);
    Manifest m = DatasetPreparer.prepare(sc, options(raw, "out", false, null, null));

    assertEquals(List.of("n01", "n02"), m.classes());
    assertEquals(List.of(1L, 2L), m.val().perClass());
    assertTrue(m.skipped().stream().anyMatch(s -> s.path().endsWith("val_00000004.png")
        && s.reason().startsWith("unknown class 'n99'")), m.skipped().toString());
    assertTrue(m.skipped().stream().anyMatch(s -> s.path().endsWith("val_00000005.png")
        && s.reason().startsWith("no label in ")), m.skipped().toString());
    assertEquals(2, m.skipped().size(), m.skipped().toString());

    IllegalArgumentException strict = assertThrows(IllegalArgumentException.class,
        () -> DatasetPreparer.prepare(sc, options(raw, "strict", true, null, null)));
    assertTrue(strict.getMessage().contains("val_00000004.png: unknown class 'n99'")
        && strict.getMessage().contains("val_00000005.png: no label"), strict.getMessage());
  }

  @Test
  void valLabelsCanBeGivenAnywhereAndTheirAbsenceIsALayoutError() throws Exception {
    Path raw = imagenet();
    Path labels = Files.writeString(dir.resolve("elsewhere.csv"), LABELS);
    Manifest m = DatasetPreparer.prepare(sc, options(raw, "out", false, labels.toUri(), null));
    assertEquals(List.of(1L, 2L), m.val().perClass());

    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> DatasetPreparer.validate(options(raw, "o2", false, null, null), new Configuration()));
    assertTrue(none.getMessage().contains("LOC_val_solution.csv") && none.getMessage().contains("--val-labels"),
        none.getMessage());

    Path badHeader = Files.writeString(dir.resolve("bad.csv"), "id,label\nx,n01\n");
    IllegalArgumentException header = assertThrows(IllegalArgumentException.class,
        () -> DatasetPreparer.validate(options(raw, "o3", false, badHeader.toUri(), null), new Configuration()));
    assertTrue(header.getMessage().contains("bad.csv") && header.getMessage().contains("ImageId,PredictionString"),
        header.getMessage());
  }

  @Test
  void classesTxtIsWrittenAndAClassIndexFixesTheLabels() throws Exception {
    Path raw = imagenet();
    Files.writeString(raw.resolve(ValLabels.DEFAULT_FILE_NAME), LABELS);
    DatasetPreparer.prepare(sc, options(raw, "first", false, null, null));
    assertEquals(List.of("n01", "n02"), Files.readAllLines(dir.resolve("first").resolve(ClassIndex.FILE_NAME)));

    Path index = Files.writeString(dir.resolve("index.txt"), "n00\nn02\nn01\n");
    Manifest m = DatasetPreparer.prepare(sc, options(raw, "indexed", false, null, index.toUri()));
    assertEquals(List.of("n00", "n02", "n01"), m.classes());
    assertEquals(List.of(0L, 3L, 2L), m.train().perClass(), "labels follow the index; n00 has no images");
    assertEquals(List.of(0L, 2L, 1L), m.val().perClass());
    assertEquals(List.of("n00", "n02", "n01"), Files.readAllLines(dir.resolve("indexed").resolve(ClassIndex.FILE_NAME)));
    Shards.Content c = Shards.read(PreparedDataset.open(dir.resolve("indexed").toUri(), new Configuration())
        .shards("train").get(0), new Configuration());
    for (int label : c.labels()) {
      assertTrue(label == 1 || label == 2, "label " + label + " is an index into the class index");
    }

    Path partial = Files.writeString(dir.resolve("partial.txt"), "n02\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DatasetPreparer.prepare(sc, options(raw, "partial", false, null, partial.toUri())));
    assertTrue(e.getMessage().contains("train class 'n01' is not in the class index"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("partial/manifest.json")));

    Path dup = Files.writeString(dir.resolve("dup.txt"), "n01\nn02\nn01\n");
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
        () -> DatasetPreparer.validate(options(raw, "dup", false, null, dup.toUri()), new Configuration()));
    assertTrue(d.getMessage().contains("line 3 repeats class 'n01'"), d.getMessage());
  }
}
