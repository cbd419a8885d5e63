package io.mishbench.averaging;

/**
 * What one round of {@link AveragingMaster}'s ring exchange ({@link AveragingMaster.Exchange#RING},
 * the default on a cluster) costs on N executors, on paper, from rates measured on this machine.
 *
 * <p>An epoch is one barrier stage: every executor reads the state (parameters and updater state, S
 * bytes) from the driver's port straight into its kept network, then runs the epoch's rounds itself:
 * fit F minibatches, pass the round's counts around the ring, average the state over the ring
 * ({@link Ring#allReduceMean}: reduce-scatter, then all-gather), and at the end task 0 sends the
 * state back to the driver, which copies it into its network. Seconds of a round:
 *
 * <pre>
 *   compute   = F x batch / r                          r: one executor's training images/s
 *   sync      = (N - 1) h                              the counts go around the ring; h: one hop of a small message
 *   allReduce = (N - 1) / N x S x (2 / B + 1 / a)      every executor sends and receives 2 (N - 1) / N S bytes and
 *             + 2 (N - 1) h                              adds (N - 1) / N S of them; B: link bytes/s (each direction),
 *                                                      a: bytes/s of ND4J's in-place add
 *   epoch     = (j + N S / B + S / B + S / m) / R      once per epoch, spread over its R rounds: the stage's fixed cost
 *                                                      j (scheduling, task deserialization, network construction on a
 *                                                      new executor, the ring's connection), the driver's link sending
 *                                                      the state to N executors, task 0's state back, the driver's
 *                                                      copy of it; m: memory copy bytes/s;
 *                                                      R = ceil(images per epoch / (N batch F))
 *   efficiency = compute / (compute + sync + allReduce + epoch)
 * </pre>
 *
 * When executors share cores (a test cluster with more executors than cores), every CPU-bound rate
 * (a, m, and B where the link is the loopback interface, which copies with the CPU) is scaled by
 * the executor's share of a core. The network terms assume full-duplex links that are not shared and
 * no stragglers, so an efficiency it gives is an upper bound; bench.sh checks the predicted round
 * against the one measured on a standalone cluster on this machine.
 *
 * @param parameters the network's parameter count (DL4J's, batch-norm running statistics included:
 *     they are averaged too)
 * @param updaterState values of updater state (momentum: one per parameter; Adam: two)
 * @param imagesPerSecond one executor's training throughput (assumed for GPUs)
 * @param batchPerWorker minibatch size per executor
 * @param imagesPerEpoch training images per epoch (sets the rounds over which the per-epoch costs spread)
 * @param copyBytesPerSecond ND4J's array copy rate (measured)
 * @param addBytesPerSecond ND4J's in-place add rate over the ring's chunks (measured)
 * @param hopSeconds one small message from one executor to the next (measured)
 * @param stageSeconds an epoch stage's fixed cost: scheduling, task deserialization, network construction, the
 *     ring's connection (measured)
 */
public record AveragingCostModel(long parameters, long updaterState, double imagesPerSecond, int batchPerWorker,
    long imagesPerEpoch, double copyBytesPerSecond, double addBytesPerSecond,
    double hopSeconds, double stageSeconds) {

  /** ImageNet-1k's training images: an epoch of the paper's table. */
  public static final long IMAGENET_TRAIN_IMAGES = 1_281_167;

  public AveragingCostModel {
    if (parameters < 1 || updaterState < 0 || !(imagesPerSecond > 0) || batchPerWorker < 1 || imagesPerEpoch < 1
        || !(copyBytesPerSecond > 0) || !(addBytesPerSecond > 0)
        || !(hopSeconds >= 0) || !(stageSeconds >= 0)) {
      throw new IllegalArgumentException("cost model needs parameters, images/s, batch, images per epoch, copy and add"
          + " rates > 0, updater state, hop and stage seconds >= 0");
    }
  }

  /** Bytes of state averaged per round (float32): parameters and updater state. */
  public long bytesPerRound() {
    return 4 * (parameters + updaterState);
  }

  /** One round's seconds, split into its parts. */
  public record Round(int roundsPerEpoch, double compute, double sync, double allReduce, double epoch) {
    public double total() {
      return compute + overhead();
    }

    /** Everything but compute: what a round costs beyond training. */
    public double overhead() {
      return sync + allReduce + epoch;
    }

    /** Share of the round spent training: the scaling efficiency against N independent executors. */
    public double efficiency() {
      return compute / total();
    }
  }

  /**
   * A round on {@code executors} executors averaging every {@code frequency} minibatches over links of
   * {@code gbitPerSecond}, each executor holding {@code cpuShare} of a core (1: a core or more each).
   */
  public Round round(int executors, int frequency, double gbitPerSecond, double cpuShare, boolean loopback) {
    if (executors < 1 || frequency < 1 || !(gbitPerSecond > 0) || !(cpuShare > 0) || cpuShare > 1) {
      throw new IllegalArgumentException("executors and frequency must be >= 1, the link speed > 0 and the CPU share in"
          + " (0, 1]");
    }
    double s = bytesPerRound();
    double b = gbitPerSecond * 1e9 / 8 * (loopback ? cpuShare : 1);
    double a = addBytesPerSecond * cpuShare;
    double m = copyBytesPerSecond * cpuShare;
    int n = executors;
    long perRound = (long) n * batchPerWorker * frequency;
    int rounds = (int) Math.max(1, (imagesPerEpoch + perRound - 1) / perRound);
    double sync = (n - 1) * hopSeconds;
    double allReduce = n == 1 ? 0 : (n - 1) / (double) n * s * (2 / b + 1 / a) + 2 * (n - 1) * hopSeconds;
    double epoch = stageSeconds + (n + 1) * s / b + s / m;
    return new Round(rounds, frequency * (double) batchPerWorker / imagesPerSecond, sync, allReduce, epoch / rounds);
  }

  /** {@link #round(int, int, double, double, boolean)} on a cluster: a core or more per executor, real links. */
  public Round round(int executors, int frequency, double gbitPerSecond) {
    return round(executors, frequency, gbitPerSecond, 1, false);
  }
}
