package io.mishbench.data;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The shards an executor JVM has read lately, least recently used first out, bounded by the encoded
 * bytes they hold: min(512 MiB, a quarter of the heap). An epoch's plan gives each worker a
 * contiguous run of a few shards ({@link EpochPlan}), so a worker reads each of its shards once per
 * epoch while its minibatches draw images from them in random order.
 */
final class ShardCache {

  private static final long CAPACITY = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4);

  private static final Map<String, Shards.Content> CACHE = new LinkedHashMap<>(16, 0.75f, true);
  private static long bytes;

  private ShardCache() {}

  /** The shard {@code ref}, read (and checked) on a miss. */
  static Shards.Content get(Shards.Ref ref, Configuration conf) throws IOException {
    String uri = ref.uri();
    synchronized (CACHE) {
      Shards.Content c = CACHE.get(uri);
      if (c != null) {
        return c;
      }
    }
    Shards.Content c = Shards.read(ref, conf); // outside the lock: other workers keep going
    synchronized (CACHE) {
      if (CACHE.put(uri, c) == null) {
        bytes += size(c);
      }
      var it = CACHE.entrySet().iterator();
      while (bytes > CAPACITY && CACHE.size() > 1 && it.hasNext()) {
        Map.Entry<String, Shards.Content> eldest = it.next();
        if (!eldest.getKey().equals(uri)) {
          bytes -= size(eldest.getValue());
          it.remove();
        }
      }
    }
    return c;
  }

  private static long size(Shards.Content c) {
    long n = 0;
    for (byte[] image : c.images()) {
      n += image.length + 16;
    }
    return n;
  }
}
