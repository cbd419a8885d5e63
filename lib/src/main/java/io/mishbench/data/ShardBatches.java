package io.mishbench.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executor-side minibatches: shard URIs are spread over Spark partitions; each task reads its shards,
 * shuffles their images (seeded by epoch and shard, so every epoch differs but reruns repeat), scales
 * pixels to [0, 1] and emits {@link DataSet}s of {@code batchSize} examples with one-hot labels.
 */
public final class ShardBatches {

  private ShardBatches() {}

  /**
   * The minibatches of one split.
   *
   * @param shuffle shuffle images within each shard (training) or keep them in order (evaluation)
   */
  public static JavaRDD<DataSet> of(
      JavaSparkContext sc, PreparedDataset ds, String split, int batchSize, boolean shuffle, long seed, int epoch) {
    List<String> uris = ds.shardUris(split);
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("prepared dataset " + ds.root() + " has no " + split + " images");
    }
    int classes = ds.numClasses();
    SerializableConfiguration conf = new SerializableConfiguration(sc.hadoopConfiguration());
    return sc.parallelize(uris, uris.size())
        .flatMap(uri -> batches(uri, conf.value(), classes, batchSize, shuffle, seed * 1_000_003L + epoch));
  }

  static Iterator<DataSet> batches(
      String uri, Configuration conf, int classes, int batchSize, boolean shuffle, long seed) throws java.io.IOException {
    Shards.Content c = Shards.read(URI.create(uri), conf);
    int n = c.labels().length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      Random r = new Random(seed ^ uri.hashCode());
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    int res = c.header().resolution();
    int ch = c.header().channels();
    int pixels = ch * res * res;
    List<DataSet> out = new ArrayList<>();
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      float[] features = new float[b * pixels];
      float[] labels = new float[b * classes];
      for (int k = 0; k < b; k++) {
        int idx = order[start + k];
        byte[] p = c.pixels()[idx];
        for (int i = 0; i < pixels; i++) {
          features[k * pixels + i] = (p[i] & 0xFF) / 255f;
        }
        labels[k * classes + c.labels()[idx]] = 1f;
      }
      out.add(
          new DataSet(
              Nd4j.create(features, new long[] {b, ch, res, res}, DataType.FLOAT),
              Nd4j.create(labels, new long[] {b, classes}, DataType.FLOAT)));
    }
    return out.iterator();
  }
}
