package io.mishbench.train;

/**
 * What one round of DL4J's parameter averaging ({@code ParameterAveragingTrainingMaster}, as
 * {@link SparkTrainer} configures it) costs on N executors, on paper.
 *
 * <p>Each round is one Spark job: the driver broadcasts the parameters and the updater state (Spark's
 * TorrentBroadcast, 4 MB blocks that executors also pass on to each other), every executor rebuilds
 * the network from them, fits {@code averagingFrequency} minibatches, and returns its parameters and
 * updater state, which {@code treeAggregate} (DL4J's default depth 2) sums: the N results go to
 * {@link #reducers} intermediate tasks, whose sums go to the driver. Time of a round:
 *
 * <pre>
 *   compute   = F x batch / r                    (r: one executor's training images/s)
 *   broadcast = S / B                            (pipelined torrent: the driver's link sends S once)
 *   aggregate = (ceil(N / k) + k) x S / B        (k reducers, each receiving N / k results, then the driver k)
 *   codec     = passes x S / c                   (c: the codec's bytes/s, measured in this process; the passes
 *                                                 on the critical path: the driver serialises the broadcast, an
 *                                                 executor deserialises it and serialises its result, a reducer
 *                                                 deserialises its ceil(N / k) results and serialises their sum,
 *                                                 the driver deserialises k; without reducers, N)
 *   fixed     = j                                (job and task scheduling, network rebuild: measured locally)
 *   efficiency = compute / (compute + broadcast + aggregate + codec + fixed)
 * </pre>
 *
 * with S = 4 x (parameters + updater state) bytes and B the link's bytes/s. Deliberately optimistic
 * on the network (no protocol overhead, no stragglers, links not shared), so an efficiency it gives
 * is an upper bound.
 *
 * @param parameters the network's parameter count (DL4J's: batch-norm running statistics included,
 *     since they are averaged too)
 * @param updaterState values of updater state per round (momentum: one per parameter; Adam: two)
 * @param imagesPerSecond one executor's training throughput
 * @param batchPerWorker minibatch size per executor
 * @param codecBytesPerSecond serialisation (or deserialisation) throughput of the parameter arrays
 * @param fixedSeconds per-round cost that does not depend on N or the link (scheduling, rebuilding)
 */
public record AveragingCostModel(long parameters, long updaterState, double imagesPerSecond, int batchPerWorker,
    double codecBytesPerSecond, double fixedSeconds) {

  /** Spark's {@code treeAggregate} depth that DL4J's parameter averaging uses by default. */
  public static final int AGGREGATION_DEPTH = 2;

  public AveragingCostModel {
    if (parameters < 1 || updaterState < 0 || !(imagesPerSecond > 0) || batchPerWorker < 1
        || !(codecBytesPerSecond > 0) || !(fixedSeconds >= 0)) {
      throw new IllegalArgumentException("cost model needs parameters, images/s, batch and codec rate > 0 and"
          + " updater state and fixed seconds >= 0");
    }
  }

  /** Bytes broadcast to each executor, and returned by each, per round (float32). */
  public long bytesPerRound() {
    return 4 * (parameters + updaterState);
  }

  /** One round's seconds, split into its parts. */
  public record Round(double compute, double broadcast, double aggregate, double codec, double fixed) {
    public double total() {
      return compute + broadcast + aggregate + codec + fixed;
    }

    /** Share of the round spent training: the scaling efficiency against N independent executors. */
    public double efficiency() {
      return compute / total();
    }
  }

  /**
   * A round on {@code executors} executors averaging every {@code frequency} minibatches over links of
   * {@code gbitPerSecond}.
   */
  public Round round(int executors, int frequency, double gbitPerSecond) {
    if (executors < 1 || frequency < 1 || !(gbitPerSecond > 0)) {
      throw new IllegalArgumentException("executors and frequency must be >= 1 and the link speed > 0");
    }
    double linkBytes = gbitPerSecond * 1e9 / 8;
    double s = bytesPerRound();
    int k = reducers(executors);
    int perReducer = (executors + k - 1) / k;
    double aggregate = executors == 1 ? 0 : (k == executors ? executors : perReducer + k) * s / linkBytes;
    double broadcast = executors == 1 ? 0 : s / linkBytes;
    return new Round(frequency * (double) batchPerWorker / imagesPerSecond, broadcast, aggregate,
        codecPasses(executors) * s / codecBytesPerSecond, fixedSeconds);
  }

  /** Serialisations and deserialisations of one parameter set on a round's critical path. */
  public static int codecPasses(int executors) {
    if (executors == 1) {
      return 0; // no Spark traffic: DL4J fits in place
    }
    int k = reducers(executors);
    int atReducer = k == executors ? 0 : (executors + k - 1) / k + 1;
    return 3 + atReducer + k;
  }

  /**
   * Partitions that hold partial sums before the driver's final step: Spark 3.5's
   * {@code RDD.treeAggregate} with depth {@value #AGGREGATION_DEPTH} divides the N partitions by
   * scale = max(ceil(N^(1/depth)), 2) while that saves wall-clock time (n > scale + ceil(n / scale));
   * with no division the driver receives all N.
   */
  public static int reducers(int partitions) {
    int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / AGGREGATION_DEPTH)), 2);
    int n = partitions;
    while (n > scale + Math.ceil((double) n / scale)) {
      n /= scale;
    }
    return n;
  }
}
