package io.mishbench.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executor-side minibatches.
 *
 * <p>Training: the driver sends each worker only the coordinates of its minibatches in this epoch's
 * {@link EpochPlan} (epoch, worker, index); on the executor {@link TrainLoader} recomputes the plan,
 * reads the worker's shards (through {@link ShardCache}), decodes and augments the images
 * ({@link ImageAugmenter}, then {@link BatchAugmenter} for the whole minibatch) on a loader thread
 * while the previous minibatch trains. Nothing decoded is cached, shuffled over the network or
 * persisted: an epoch's data costs one read of its shards.
 *
 * <p>Evaluation: each validation shard is decoded in order, resized and centre-cropped.
 */
public final class ShardBatches {

  private ShardBatches() {}

  /**
   * Builds a worker's planned minibatch on an executor. Serializable: Spark ships it to the executors
   * once per run; the epoch plans it derives are kept per JVM.
   */
  public static final class TrainLoader implements java.io.Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, EpochPlan> PLANS = new ConcurrentHashMap<>();

    private final String root;
    private final List<Shards.Ref> shards;
    private final int[] shardCounts;
    private final int workers;
    private final int batchSize;
    private final long seed;
    private final int classes;
    private final int channels;
    private final int resolution;
    private final ImageAugmenter imageAugmenter;
    private final BatchAugmenter batchAugmenter;
    private final SerializableConfiguration conf;

    /**
     * @param resolution training input size in pixels (random-resized crops are scaled to it)
     * @param conf Hadoop configuration to read the shards with
     */
    public TrainLoader(PreparedDataset ds, int workers, int batchSize, long seed, int resolution,
        AugmentSettings augment, Configuration conf) {
      this.root = ds.root().toString();
      this.shards = List.copyOf(ds.shards("train"));
      this.shardCounts = ds.manifest().train().shards().stream().mapToInt(Manifest.Shard::count).toArray();
      this.workers = workers;
      this.batchSize = batchSize;
      this.seed = seed;
      this.classes = ds.numClasses();
      this.channels = ds.manifest().channels();
      this.resolution = resolution;
      this.imageAugmenter = new ImageAugmenter(augment);
      this.batchAugmenter = new BatchAugmenter(augment);
      this.conf = new SerializableConfiguration(conf);
      plan(1); // fails here, on the driver, when it cannot plan; epoch 1 then reuses this plan
    }

    EpochPlan plan(int epoch) {
      String key = root + '|' + workers + '|' + batchSize + '|' + seed + '|' + epoch;
      EpochPlan plan = PLANS.get(key);
      if (plan == null) { // computed outside the map: a mapping function may not change other keys
        plan = EpochPlan.of(shardCounts, workers, batchSize, seed, epoch);
        PLANS.keySet().removeIf(old -> old.startsWith(root + '|')); // earlier epochs of this dataset
        EpochPlan raced = PLANS.putIfAbsent(key, plan);
        plan = raced == null ? plan : raced;
      }
      return plan;
    }

    /** How many minibatches each worker trains in {@code epoch}, by worker. */
    public int[] minibatchesPerWorker(int epoch) {
      EpochPlan plan = plan(epoch);
      int[] n = new int[plan.workers()];
      for (int w = 0; w < n.length; w++) {
        n[w] = plan.batches(w).size();
      }
      return n;
    }

    /** Minibatch {@code index} of {@code worker} in {@code epoch}: decoded, augmented, labelled. */
    public DataSet load(int epoch, int worker, int index) throws IOException {
      List<EpochPlan.Ref> refs = plan(epoch).batches(worker).get(index);
      SplittableRandom rng = new SplittableRandom(EpochPlan.mix(seed, epoch, worker) ^ (index * 0x9E3779B97F4A7C15L));
      float[][] images = new float[refs.size()][];
      int[] labels = new int[refs.size()];
      for (int i = 0; i < refs.size(); i++) {
        EpochPlan.Ref r = refs.get(i);
        Shards.Ref ref = shards.get(r.shard());
        Shards.Content shard = ShardCache.get(ref, conf.value());
        Pixels px = ImageDecoder.decodeStored(shard.images()[r.record()], channels);
        images[i] = imageAugmenter.train(px, resolution, rng);
        labels[i] = Shards.label(ref, shard.labels()[r.record()], classes);
      }
      return toDataSet(batchAugmenter.apply(images, channels, resolution, resolution, labels, classes, rng));
    }
  }

  /**
   * The most minibatches any worker trains in one epoch: {@link EpochPlan} gives each worker
   * floor or ceil of (train images / workers), its last minibatch partial.
   */
  public static long maxMinibatchesPerWorker(PreparedDataset ds, int workers, int batchSize) {
    long images = ds.manifest().train().count();
    long share = (images + workers - 1) / workers;
    return Math.max(1, (share + batchSize - 1) / batchSize);
  }

  /**
   * The validation minibatches, one Spark partition per shard, images resized so the shorter side is
   * {@code resolution} and centre-cropped.
   */
  public static JavaRDD<DataSet> eval(JavaSparkContext sc, PreparedDataset ds, int batchSize, int resolution) {
    List<Shards.Ref> refs = ds.shards("val");
    if (refs.isEmpty()) {
      throw new IllegalArgumentException("prepared dataset " + ds.root() + " has no val images");
    }
    int classes = ds.numClasses();
    int channels = ds.manifest().channels();
    SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
    ImageAugmenter augmenter = new ImageAugmenter(AugmentSettings.NONE);
    return sc.parallelize(refs, refs.size())
        .flatMap(ref -> evalBatches(ref, conf.value(), augmenter, classes, channels, batchSize, resolution));
  }

  static Iterator<DataSet> evalBatches(
      Shards.Ref ref, Configuration conf, ImageAugmenter augmenter, int classes, int channels, int batchSize,
      int resolution) throws IOException {
    Shards.Content c = Shards.read(ref, conf);
    int n = c.labels().length;
    List<DataSet> out = new ArrayList<>();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      float[][] images = new float[b][];
      int[] labels = new int[b];
      for (int k = 0; k < b; k++) {
        images[k] = augmenter.eval(ImageDecoder.decodeStored(c.images()[start + k], channels), resolution);
        labels[k] = Shards.label(ref, c.labels()[start + k], classes);
      }
      out.add(toDataSet(BatchAugmenter.stack(images, channels, resolution, resolution, labels, classes)));
    }
    return out.iterator();
  }

  private static DataSet toDataSet(AugmentedBatch b) {
    return new DataSet(
        Nd4j.create(b.features(), new long[] {b.size(), b.channels(), b.height(), b.width()}, DataType.FLOAT),
        Nd4j.create(b.labels(), new long[] {b.size(), b.classes()}, DataType.FLOAT));
  }
}
