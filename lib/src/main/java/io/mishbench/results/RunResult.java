package io.mishbench.results;

import java.util.List;
import java.util.Map;

/**
 * Everything recorded about one run; stored as {@code runs/<runId>/run.json}.
 *
 * @param runId derived from the cell and the training settings ({@link RunIds})
 * @param status {@link Status}
 * @param model model name
 * @param activation canonical activation name
 * @param augmentation augmentation name
 * @param seed seed
 * @param config the resolved settings of this run, flat {@code key -> value}
 * @param provenance where and with what it ran ({@link Provenance#collect})
 * @param epochs one entry per finished epoch
 * @param top1 final validation top-1 accuracy in [0, 1], null until complete
 * @param top5 final validation top-5 accuracy in [0, 1], null until complete
 * @param startedAt ISO-8601 instant
 * @param finishedAt ISO-8601 instant, null while running
 * @param error the failure message of a failed run, else null
 */
public record RunResult(
    String runId,
    Status status,
    String model,
    String activation,
    String augmentation,
    long seed,
    Map<String, Object> config,
    Map<String, String> provenance,
    List<EpochMetrics> epochs,
    Double top1,
    Double top5,
    String startedAt,
    String finishedAt,
    String error) {

  /** The life of a run: RUNNING while training, then COMPLETE or FAILED. */
  public enum Status {
    RUNNING,
    COMPLETE,
    FAILED
  }

  /**
   * One epoch.
   *
   * @param epoch 1-based
   * @param trainSeconds wall time of the fit
   * @param images training images seen
   * @param imagesPerSecond images / trainSeconds
   * @param averagingRounds parameter averagings done in this epoch
   * @param score the network's last minibatch loss
   * @param top1 validation top-1 after the epoch
   * @param top5 validation top-5 after the epoch
   * @param dataWaitShare share of the workers' training loop spent waiting for the next minibatch
   *     (an upper bound, see SparkTrainer.WorkerTimes); null when DL4J reported no timings
   */
  public record EpochMetrics(
      int epoch,
      double trainSeconds,
      long images,
      double imagesPerSecond,
      int averagingRounds,
      double score,
      double top1,
      double top5,
      Double dataWaitShare) {}
}
