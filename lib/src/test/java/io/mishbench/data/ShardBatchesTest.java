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
      Shards.write(HadoopFiles.fs(dir.toUri(), conf), new org.apache.hadoop.fs.Path(dir.resolve(file).toUri()), 1,
          labels, images);
      shards.add(new Manifest.Shard(file, SHARD_SIZES[s]));
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
}
