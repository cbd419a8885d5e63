package io.mishbench.averaging;

/**
 * What one round of {@link AveragingMaster} costs on N executors of a cluster, on paper, from rates
 * measured on this machine.
 *
 * <p>A round is one Spark job: the driver serializes the state (parameters and updater state, S bytes)
 * into a broadcast, each executor fetches and deserializes it, copies it into its kept network, fits
 * F minibatches and serializes its network's arrays as the task result; {@code treeAggregate} sums
 * the results (depth {@link AveragingMaster.Options#depth()}: straight to the driver up to 4 workers,
 * through k = {@link #reducers} intermediate tasks above), and the driver copies the mean into its
 * network. Seconds of a round:
 *
 * <pre>
 *   compute   = F x batch / r                        r: one executor's training images/s
 *   broadcast = S / c + S / B + S / c                 the driver serializes, its link sends (torrent: once),
 *                                                    an executor deserializes; c: codec bytes/s, B: link bytes/s
 *   copies    = 2 S / m                              the executor sets its network, the driver sets its own;
 *                                                    m: memory copy bytes/s
 *   results   = S / c                                an executor serializes its result
 *   aggregate = N S / B + ceil(N / t) S / c          depth 1: the driver's link receives N results, its t result
 *                                                    threads (spark.resultGetter.threads, 4) deserialize them
 *             = n S / B + n S / c + S / c            depth 2: a reducer receives and deserializes n = ceil(N / k),
 *               + k S / B + ceil(k / t) S / c          serializes the sum; then the driver receives k sums
 *   fixed     = depth x j                            j: scheduling a stage and deserializing its tasks (measured)
 *   efficiency = compute / total
 * </pre>
 *
 * The network terms assume links that are not shared and no stragglers, so an efficiency it gives
 * is an upper bound; bench.sh checks the predicted round against the measured one on a local
 * standalone cluster, where the "link" is the loopback interface.
 *
 * @param parameters the network's parameter count (DL4J's, batch-norm running statistics included:
 *     they are averaged too)
 * @param updaterState values of updater state (momentum: one per parameter; Adam: two)
 * @param imagesPerSecond one executor's training throughput (assumed for GPUs)
 * @param batchPerWorker minibatch size per executor
 * @param codecBytesPerSecond ArrayCodec's Kryo rate, one direction (measured)
 * @param copyBytesPerSecond ND4J's array copy rate (measured)
 * @param fixedSeconds per-stage cost independent of bytes: scheduling and task deserialization (measured)
 */
public record AveragingCostModel(long parameters, long updaterState, double imagesPerSecond, int batchPerWorker,
    double codecBytesPerSecond, double copyBytesPerSecond, double fixedSeconds) {

  /** Spark's {@code spark.resultGetter.threads} default: task results deserialized in parallel on the driver. */
  public static final int RESULT_THREADS = 4;

  public AveragingCostModel {
    if (parameters < 1 || updaterState < 0 || !(imagesPerSecond > 0) || batchPerWorker < 1
        || !(codecBytesPerSecond > 0) || !(copyBytesPerSecond > 0) || !(fixedSeconds >= 0)) {
      throw new IllegalArgumentException("cost model needs parameters, images/s, batch, codec and copy rates > 0,"
          + " updater state and fixed seconds >= 0");
    }
  }

  /** Bytes broadcast to each executor, and returned by each, per round (float32). */
  public long bytesPerRound() {
    return 4 * (parameters + updaterState);
  }

  /** One round's seconds, split into its parts. */
  public record Round(double compute, double broadcast, double copies, double results, double aggregate,
      double fixed) {
    public double total() {
      return compute + overhead();
    }

    /** Everything but compute: what a round costs beyond training. */
    public double overhead() {
      return broadcast + copies + results + aggregate + fixed;
    }

    /** Share of the round spent training: the scaling efficiency against N independent executors. */
    public double efficiency() {
      return compute / total();
    }
  }

  /** A round on {@code executors} executors averaging every {@code frequency} minibatches over links of {@code gbitPerSecond}. */
  public Round round(int executors, int frequency, double gbitPerSecond) {
    if (executors < 1 || frequency < 1 || !(gbitPerSecond > 0)) {
      throw new IllegalArgumentException("executors and frequency must be >= 1 and the link speed > 0");
    }
    double b = gbitPerSecond * 1e9 / 8;
    double s = bytesPerRound();
    double c = codecBytesPerSecond;
    int depth = new AveragingMaster.Options(executors, frequency).depth();
    double aggregate;
    if (depth == 1) {
      aggregate = executors * s / b + ceil(executors, RESULT_THREADS) * s / c;
    } else {
      int k = reducers(executors);
      int n = ceil(executors, k);
      aggregate = n * s / b + n * s / c + s / c + k * s / b + ceil(k, RESULT_THREADS) * s / c;
    }
    return new Round(frequency * (double) batchPerWorker / imagesPerSecond, 2 * s / c + s / b,
        2 * s / copyBytesPerSecond, s / c, aggregate, depth * fixedSeconds);
  }

  private static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Partitions holding partial sums before the driver's final step at depth 2: Spark 3.5's
   * {@code RDD.treeAggregate} divides the N partitions by scale = max(ceil(N^(1/2)), 2) while that
   * saves wall-clock time (n > scale + ceil(n / scale)); with no division the driver receives all N.
   */
  public static int reducers(int partitions) {
    int scale = Math.max((int) Math.ceil(Math.sqrt(partitions)), 2);
    int n = partitions;
    while (n > scale + Math.ceil((double) n / scale)) {
      n /= scale;
    }
    return n;
  }
}
