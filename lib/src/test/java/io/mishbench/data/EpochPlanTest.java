package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.EpochPlan.Ref;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EpochPlanTest {

  private static List<Ref> order(EpochPlan p, int worker) {
    List<Ref> all = new ArrayList<>();
    p.batches(worker).forEach(all::addAll);
    return all;
  }

  @ParameterizedTest(name = "{0} shards of {1} (last {2}) over {3} workers, batch {4}")
  @CsvSource({"3, 100, 37, 2, 32", "10, 500, 500, 3, 64", "1, 50, 50, 4, 8", "7, 13, 1, 5, 4", "40, 1000, 999, 16, 256"})
  void everyImageOnceEqualSharesFewShardsPerWorker(int shards, int perShard, int last, int workers, int batch) {
    int[] counts = new int[shards];
    java.util.Arrays.fill(counts, perShard);
    counts[shards - 1] = last;
    int total = perShard * (shards - 1) + last;
    EpochPlan p = EpochPlan.of(counts, workers, batch, 5, 1);

    Set<Ref> seen = new HashSet<>();
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int w = 0; w < workers; w++) {
      List<List<Ref>> b = p.batches(w);
      for (int i = 0; i < b.size(); i++) {
        assertTrue(i == b.size() - 1 ? b.get(i).size() <= batch : b.get(i).size() == batch,
            "only the last minibatch of a worker may be partial");
        assertTrue(!b.get(i).isEmpty());
      }
      for (Ref r : order(p, w)) {
        assertTrue(r.record() < counts[r.shard()], "record inside its shard: " + r);
        assertTrue(seen.add(r), "trained twice in one epoch: " + r);
      }
      min = Math.min(min, p.images(w));
      max = Math.max(max, p.images(w));
      long shardsRead = order(p, w).stream().map(Ref::shard).distinct().count();
      assertTrue(shardsRead <= (shards + workers - 1) / workers + 1, "worker " + w + " reads " + shardsRead + " shards");
    }
    assertEquals(total, seen.size(), "every image is in the plan");
    assertTrue(max - min <= 1, "shares differ by at most one image: " + min + ".." + max);
  }

  @Test
  void repeatsForASeedAndChangesImageOrderEveryEpoch() {
    int[] counts = {64, 64};
    EpochPlan e1 = EpochPlan.of(counts, 1, 16, 9, 1);
    assertEquals(order(e1, 0), order(EpochPlan.of(counts, 1, 16, 9, 1), 0));
    List<Ref> e2 = order(EpochPlan.of(counts, 1, 16, 9, 2), 0);
    assertNotEquals(order(e1, 0), e2);
    // not just the shard order: images of one shard appear in another relative order
    List<Ref> s0e1 = order(e1, 0).stream().filter(r -> r.shard() == 0).toList();
    List<Ref> s0e2 = e2.stream().filter(r -> r.shard() == 0).toList();
    assertNotEquals(s0e1, s0e2);
    assertNotEquals(order(e1, 0), order(EpochPlan.of(counts, 1, 16, 10, 1), 0), "another seed, another order");
  }

  @Test
  void refusesMoreWorkersThanImages() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EpochPlan.of(new int[] {2, 1}, 4, 8, 1, 1));
    assertTrue(e.getMessage().contains("3 training images cannot be spread over 4 workers"), e.getMessage());
  }
}
