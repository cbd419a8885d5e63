package io.mishbench.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Which images each worker trains on in one epoch, in which order and in which minibatches.
 *
 * <p>The shards are put in a fresh order every epoch, their images laid end to end and the sequence
 * cut into {@code workers} contiguous runs whose sizes differ by at most one image: every worker
 * gets an equal share, and reads only the few shards its run touches (at most
 * {@code ceil(shards / workers) + 1}). Each worker then shuffles the images of its run (so the order
 * of images, not only of shards, changes from epoch to epoch) and cuts them into minibatches of
 * {@code batchSize}; its last minibatch holds the remainder, so every image is trained on exactly
 * once per epoch.
 *
 * <p>Everything follows from (seed, epoch, worker): the driver and every executor compute the same
 * plan independently, so only a minibatch's coordinates travel over the network.
 */
public final class EpochPlan {

  /** One image: the index of its shard in the split's shard list and its record in that shard. */
  public record Ref(int shard, int record) {}

  private final List<List<List<Ref>>> batches; // worker -> minibatch -> images

  private EpochPlan(List<List<List<Ref>>> batches) {
    this.batches = batches;
  }

  /**
   * Plans one epoch.
   *
   * @param shardCounts images in each shard, in manifest order
   * @param workers number of parameter-averaging workers, at least 1
   * @param batchSize images per minibatch, at least 1
   * @param seed the run's seed
   * @param epoch 1-based epoch
   */
  public static EpochPlan of(int[] shardCounts, int workers, int batchSize, long seed, int epoch) {
    if (workers < 1 || batchSize < 1) {
      throw new IllegalArgumentException("workers and batch size must be >= 1, got " + workers + " and " + batchSize);
    }
    long total = Arrays.stream(shardCounts).asLongStream().sum();
    if (total < workers) {
      throw new IllegalArgumentException(
          total + " training images cannot be spread over " + workers + " workers: every worker needs at least one");
    }
    Integer[] shardOrder = new Integer[shardCounts.length];
    for (int i = 0; i < shardOrder.length; i++) {
      shardOrder[i] = i;
    }
    Collections.shuffle(Arrays.asList(shardOrder), new Random(mix(seed, epoch, -1)));

    List<List<List<Ref>>> plan = new ArrayList<>(workers);
    int shardPos = 0;
    int record = 0;
    for (int w = 0; w < workers; w++) {
      int share = (int) (total / workers + (w < total % workers ? 1 : 0));
      Ref[] run = new Ref[share];
      for (int i = 0; i < share; i++) {
        while (record >= shardCounts[shardOrder[shardPos]]) {
          shardPos++;
          record = 0;
        }
        run[i] = new Ref(shardOrder[shardPos], record++);
      }
      SplittableRandom rng = new SplittableRandom(mix(seed, epoch, w));
      for (int i = share - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        Ref t = run[i];
        run[i] = run[j];
        run[j] = t;
      }
      List<List<Ref>> workerBatches = new ArrayList<>();
      for (int start = 0; start < share; start += batchSize) {
        workerBatches.add(List.of(Arrays.copyOfRange(run, start, Math.min(share, start + batchSize))));
      }
      plan.add(List.copyOf(workerBatches));
    }
    return new EpochPlan(List.copyOf(plan));
  }

  /** A 64-bit seed for (seed, epoch, worker); worker -1 is the shard order. */
  static long mix(long seed, int epoch, int worker) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + (worker + 1) * 0x165667B19E3779F9L;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return h;
  }

  public int workers() {
    return batches.size();
  }

  /** Minibatches of {@code worker}, in training order. */
  public List<List<Ref>> batches(int worker) {
    return batches.get(worker);
  }

  /** Images in {@code worker}'s share. */
  public int images(int worker) {
    return batches.get(worker).stream().mapToInt(List::size).sum();
  }
}
