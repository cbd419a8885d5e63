package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The executor-side training loader on real shard files: every image once per epoch in its planned
 * minibatch, repeatable, reshuffled per epoch, and augmented with the cell's settings.
 */
class ShardBatchesTest {

  private static final int CLASSES = 3;
  private static final int[] SHARD_SIZES = {10, 10, 5};

  @TempDir Path dir;
  private PreparedDataset ds;

  /** Three shards of 25 grey 12x12 images; image i is filled with the value 8 i and has label i % 3. */
  @BeforeEach
  void writeDataset() throws IOException {
    Configuration conf = new Configuration();
    List<Manifest.Shard> shards = new ArrayList<>();
    int id = 0;
    long[] perClass = new long[CLASSES];
    for (int s = 0; s < SHARD_SIZES.length; s++) {
      List<Integer> labels = new ArrayList<>();
      List<ImageDecoder.Stored> images = new ArrayList<>();
      for (int k = 0; k < SHARD_SIZES[s]; k++, id++) {
        labels.add(id % CLASSES);
        perClass[id % CLASSES]++;
        images.add(ImageDecoder.prepare(png(8 * id), 12, 1, ImageDecoder.Encoding.PNG));
      }
      String file = "shards/train-" + s + ".msh";
      java.nio.file.Files.createDirectories(dir.resolve("shards"));
      Shards.Written w = Shards.write(HadoopFiles.fs(dir.toUri(), conf),
          new org.apache.hadoop.fs.Path(dir.resolve(file).toUri()), 1, labels, images);
      shards.add(new Manifest.Shard(file, SHARD_SIZES[s], w.bytes(), w.crc32c()));
    }
    List<Long> pc = java.util.Arrays.stream(perClass).boxed().toList();
    Manifest m = new Manifest(Manifest.FORMAT_VERSION, "test", 12, 1, "png", 1, 10, "test", List.of("a", "b", "c"),
        new Manifest.Split(id, pc, shards), new Manifest.Split(0, List.of(0L, 0L, 0L), List.of()), List.of(), "now");
    HadoopFiles.writeJson(HadoopFiles.child(dir.toUri(), Manifest.FILE_NAME), m, conf);
    ds = PreparedDataset.open(dir.toUri(), conf);
  }

  private static InputStream png(int value) throws IOException {
    BufferedImage img = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 12; x++) {
        img.getRaster().setSample(x, y, 0, value);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return new ByteArrayInputStream(out.toByteArray());
  }

  private ShardBatches.TrainLoader loader(int workers, int batch, long seed, AugmentSettings augment) {
    return new ShardBatches.TrainLoader(ds, workers, batch, seed, 8, augment, new Configuration());
  }

  /** Image ids of a minibatch, read back from the constant pixel values. */
  private static List<Integer> ids(DataSet b) {
    List<Integer> ids = new ArrayList<>();
    INDArray f = b.getFeatures();
    for (int i = 0; i < f.size(0); i++) {
      ids.add((int) Math.round(f.getDouble(i, 0, 4, 4) * 255 / 8));
    }
    return ids;
  }

  @Test
  void everyImageOnceAnEpochInFullMinibatchesButTheLast() throws IOException {
    ShardBatches.TrainLoader loader = loader(2, 4, 7, AugmentSettings.NONE);
    EpochPlan plan = loader.plan(1);
    Set<Integer> seen = new HashSet<>();
    for (int w = 0; w < 2; w++) {
      int batches = plan.batches(w).size();
      for (int b = 0; b < batches; b++) {
        DataSet d = loader.load(1, w, b);
        assertArrayEquals(new long[] {d.numExamples(), 1, 8, 8}, d.getFeatures().shape());
        assertTrue(b == batches - 1 || d.numExamples() == 4, "only a worker's last minibatch may be partial");
        List<Integer> ids = ids(d);
        for (int i = 0; i < ids.size(); i++) {
          assertTrue(seen.add(ids.get(i)), "image " + ids.get(i) + " twice in one epoch");
          assertEquals(1.0, d.getLabels().getDouble(i, ids.get(i) % CLASSES), 1e-6, "label of image " + ids.get(i));
        }
      }
    }
    assertEquals(25, seen.size());
  }

  @Test
  void repeatableForASeedAndReshuffledEveryEpoch() throws IOException {
    ShardBatches.TrainLoader a = loader(1, 25, 3, AugmentSettings.PAPER);
    ShardBatches.TrainLoader b = loader(1, 25, 3, AugmentSettings.PAPER);
    DataSet first = a.load(1, 0, 0);
    assertEquals(first.getFeatures(), b.load(1, 0, 0).getFeatures(), "same seed, epoch, worker, minibatch");
    assertEquals(first.getLabels(), b.load(1, 0, 0).getLabels());
    ShardBatches.TrainLoader plain = loader(1, 25, 3, AugmentSettings.NONE);
    assertNotEquals(ids(plain.load(1, 0, 0)), ids(plain.load(2, 0, 0)), "epoch 2 visits the images in another order");
  }

  @Test
  void paperPresetMixesAndSmoothsLabels() throws IOException {
    DataSet d = loader(1, 25, 5, AugmentSettings.PAPER).load(1, 0, 0);
    INDArray labels = d.getLabels();
    boolean soft = false;
    for (int i = 0; i < labels.size(0); i++) {
      assertEquals(1.0, labels.getRow(i).sumNumber().doubleValue(), 1e-5, "label row " + i + " sums to 1");
      double max = labels.getRow(i).maxNumber().doubleValue();
      assertTrue(max <= 1 - 0.1 + 0.1 / CLASSES + 1e-6, "label smoothing 0.1 caps a row at 1 - 0.1 + 0.1/3: " + max);
      soft |= max < 1 - 0.1 + 0.1 / CLASSES - 1e-3;
    }
    assertTrue(soft, "CutMix or Mosaic mixed at least one of 25 images");
    assertFalse(labels.minNumber().doubleValue() < 0.1 / CLASSES - 1e-6, "smoothing leaves eps/K everywhere");
  }

  @Test
  void minibatchCountsPerWorkerFollowThePlan() throws IOException {
    ShardBatches.TrainLoader loader = loader(3, 4, 7, AugmentSettings.NONE);
    int[] counts = loader.minibatchesPerWorker(2);
    assertEquals(3, counts.length);
    long images = 0;
    for (int w = 0; w < counts.length; w++) {
      for (int b = 0; b < counts[w]; b++) {
        images += loader.load(2, w, b).numExamples();
      }
      assertTrue(counts[w] <= ShardBatches.maxMinibatchesPerWorker(ds, 3, 4), "worker " + w + ": " + counts[w]);
    }
    assertEquals(ds.manifest().train().count(), images, "every training image once per epoch");
  }
  /** The file of train shard {@code s}. */
  private Path shardFile(int s) {
    return Path.of(java.net.URI.create(ds.shards("train").get(s).uri()));
  }

  private Manifest rewriteManifest(java.util.function.UnaryOperator<Manifest.Split> train) throws IOException {
    Manifest m = ds.manifest();
    Manifest changed = new Manifest(m.version(), m.source(), m.resolution(), m.channels(), m.encoding(), m.seed(),
        m.shardSize(), m.inputDigest(), m.classes(), train.apply(m.train()), m.val(), m.skipped(), m.createdAt());
    HadoopFiles.writeJson(HadoopFiles.child(dir.toUri(), Manifest.FILE_NAME), changed, new Configuration());
    return changed;
  }

  /** Reads every minibatch of epoch 1 and returns the first failure. */
  private IOException firstLoadFailure() {
    ShardBatches.TrainLoader loader = loader(1, 5, 3, AugmentSettings.NONE);
    return assertThrows(IOException.class, () -> {
      for (int b = 0; b < 5; b++) {
        loader.load(1, 0, b);
      }
    });
  }

  private static void assertNamesShardAndRebuild(String message, Path shard) {
    assertTrue(message.contains(shard.getFileName().toString()) && message.contains("--overwrite"), message);
  }

  @Test
  void aShardWithChangedBytesFailsTheReadNamingItAndHowToRebuild() throws IOException {
    Path shard = shardFile(1);
    byte[] b = java.nio.file.Files.readAllBytes(shard);
    for (int at : new int[] {b.length / 2, 5, b.length - 1}) { // an image, the header, the last byte
      byte[] flipped = b.clone();
      flipped[at] ^= 0x10;
      java.nio.file.Files.write(shard, flipped);
      PreparedDataset same = PreparedDataset.open(dir.toUri(), new Configuration()); // same length: opens
      IOException e = assertThrows(IOException.class,
          () -> Shards.read(same.shards("train").get(1), new Configuration()), "byte " + at);
      assertTrue(e.getMessage().contains("CRC-32C"), e.getMessage());
      assertNamesShardAndRebuild(e.getMessage(), shard);
    }
    IOException training = firstLoadFailure();
    assertNamesShardAndRebuild(training.getMessage(), shard);
  }

  @Test
  void aTruncatedOrLongerShardIsRefusedWhenTheDatasetIsOpened() throws IOException {
    Path shard = shardFile(2);
    byte[] b = java.nio.file.Files.readAllBytes(shard);
    for (byte[] damaged : List.of(java.util.Arrays.copyOf(b, b.length - 7), java.util.Arrays.copyOf(b, 12),
        java.util.Arrays.copyOf(b, b.length + 3))) {
      java.nio.file.Files.write(shard, damaged);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PreparedDataset.open(dir.toUri(), new Configuration()));
      assertTrue(e.getMessage().contains("the manifest recorded " + b.length), e.getMessage());
      assertNamesShardAndRebuild(e.getMessage(), shard);
      IOException read = assertThrows(IOException.class, () -> Shards.read(ds.shards("train").get(2), new Configuration()));
      assertNamesShardAndRebuild(read.getMessage(), shard);
    }
    java.nio.file.Files.delete(shard);
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> PreparedDataset.open(dir.toUri(), new Configuration()));
    assertTrue(missing.getMessage().contains("is missing"), missing.getMessage());
  }

  @Test
  void manifestCountsAreCheckedAgainstEachOtherAndTheShards() throws IOException {
    Manifest.Split t = ds.manifest().train();
    // one shard's count changed, the totals made to agree with it: only the shard's header can tell
    List<Manifest.Shard> shards = new ArrayList<>(t.shards());
    Manifest.Shard first = shards.get(0);
    shards.set(0, new Manifest.Shard(first.file(), first.count() - 1, first.bytes(), first.crc32c()));
    List<Long> perClass = new ArrayList<>(t.perClass());
    perClass.set(0, perClass.get(0) - 1);
    rewriteManifest(x -> new Manifest.Split(t.count() - 1, perClass, shards));
    PreparedDataset miscounted = PreparedDataset.open(dir.toUri(), new Configuration());
    IOException e = assertThrows(IOException.class, () -> Shards.read(miscounted.shards("train").get(0), new Configuration()));
    assertTrue(e.getMessage().contains("header counts 10 images, the manifest 9"), e.getMessage());

    for (Manifest.Split bad : List.of(
        new Manifest.Split(t.count() + 1, t.perClass(), t.shards()), // total against shards
        new Manifest.Split(t.count(), List.of(25L, 0L, 0L, 0L), t.shards()), // per class against the classes
        new Manifest.Split(t.count(), List.of(9L, 8L, 7L), t.shards()))) { // per class against the total
      rewriteManifest(x -> bad);
      IllegalArgumentException open =
          assertThrows(IllegalArgumentException.class, () -> PreparedDataset.open(dir.toUri(), new Configuration()));
      assertTrue(open.getMessage().contains("train counts disagree") && open.getMessage().contains("--overwrite"),
          open.getMessage());
    }
    rewriteManifest(x -> new Manifest.Split(t.count(), t.perClass(), List.of(
        new Manifest.Shard("../elsewhere/train-0.msh", 10, first.bytes(), first.crc32c()), t.shards().get(1),
        t.shards().get(2))));
    IllegalArgumentException outside =
        assertThrows(IllegalArgumentException.class, () -> PreparedDataset.open(dir.toUri(), new Configuration()));
    assertTrue(outside.getMessage().contains("not a shard entry"), outside.getMessage());
  }

  @Test
  void aLabelOutsideTheClassesIsACorruptShardNotAnIndexError() throws IOException {
    Configuration conf = new Configuration();
    List<ImageDecoder.Stored> images = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      images.add(ImageDecoder.prepare(png(8 * k), 12, 1, ImageDecoder.Encoding.PNG));
    }
    Path shard = shardFile(0);
    Shards.Written w = Shards.write(HadoopFiles.fs(dir.toUri(), conf), new org.apache.hadoop.fs.Path(shard.toUri()), 1,
        List.of(0, 1, 2, 0, 1, 7, 0, 1, 2, 0), images);
    Manifest.Split t = ds.manifest().train();
    List<Manifest.Shard> shards = new ArrayList<>(t.shards());
    shards.set(0, new Manifest.Shard(shards.get(0).file(), 10, w.bytes(), w.crc32c()));
    rewriteManifest(x -> new Manifest.Split(t.count(), t.perClass(), shards));
    ds = PreparedDataset.open(dir.toUri(), conf);
    IOException e = firstLoadFailure();
    assertTrue(e.getMessage().contains("label 7, the dataset has 3 classes"), e.getMessage());
  }
  @Test
  void aManifestWithFieldsOfALaterVersionIsRead() throws IOException {
    Path file = dir.resolve(Manifest.FILE_NAME);
    var json = HadoopFiles.JSON.readTree(file.toFile());
    io.mishbench.results.ResultsStoreTest.addUnknownFields(json);
    java.nio.file.Files.writeString(file, json.toPrettyString());
    assertEquals(ds, PreparedDataset.open(dir.toUri(), new Configuration()));
  }
  @Test
  void aDatasetHasOneRootHoweverItIsSpelled() throws IOException {
    // the root is hashed into run ids: /x, /x/, file:/x, file:///x must find the same runs
    Configuration conf = new Configuration();
    java.util.Set<java.net.URI> roots = new java.util.HashSet<>();
    for (String spelling : List.of(dir.toString(), dir + "/", "file:" + dir, "file://" + dir, dir + "/./")) {
      roots.add(PreparedDataset.open(HadoopFiles.resolve(spelling), conf).root());
    }
    roots.add(PreparedDataset.open(dir.toUri(), conf).root());
    assertEquals(1, roots.size(), roots.toString());
  }
}
