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
 * @param provenance where and with what it ran ({@link Provenance#collect}); a resumed run keeps the
 *     provenance of its first start and adds {@code resumed.<n>.*} entries
 * @param epochs one entry per finished epoch, epoch numbers 1, 2, ... without gaps or repeats
 * @param top1 final validation top-1 accuracy in [0, 1], null until complete
 * @param top5 final validation top-5 accuracy in [0, 1], null until complete
 * @param loss final validation loss (mean cross-entropy), null until complete
 * @param startedAt ISO-8601 instant of the first start
 * @param finishedAt ISO-8601 instant, null while running
 * @param error the failure message of a FAILED run, else null
 * @param wallSeconds training and evaluation time summed over the finished epochs, all attempts
 *     together (checkpoint writes and the time lost to an interrupted epoch are not counted)
 * @param imagesPerSecond training images over training seconds, all finished epochs together
 * @param targetTop1 the time-to-accuracy target in [0, 1], null when the config sets none
 * @param secondsToTarget {@code wallSeconds} up to the end of the first evaluated epoch whose top-1
 *     reached {@code targetTop1}; null when not (yet) reached
 * @param epochToTarget that epoch, or null
 * @param divergence where the loss stopped being finite, for a DIVERGED run; else null
 * @param attempts how many times the run was started: 1, plus one per resume
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
    Double loss,
    String startedAt,
    String finishedAt,
    String error,
    Double wallSeconds,
    Double imagesPerSecond,
    Double targetTop1,
    Double secondsToTarget,
    Integer epochToTarget,
    Divergence divergence,
    int attempts) {

  /**
   * The life of a run: RUNNING while training (or interrupted: then resumable from its checkpoint),
   * then COMPLETE, DIVERGED (a NaN or infinite loss) or FAILED (an error).
   */
  public enum Status {
    RUNNING,
    COMPLETE,
    DIVERGED,
    FAILED;

    /** Whether a run in this status is finished and never trained again. */
    public boolean isFinal() {
      return this == COMPLETE || this == DIVERGED;
    }
  }

  /** A short record for tests and tools: no loss, timings, target or divergence. */
  public static RunResult of(
      String runId, Status status, String model, String activation, String augmentation, long seed, Double top1,
      Double top5) {
    return new RunResult(runId, status, model, activation, augmentation, seed, Map.of(), Map.of(), List.of(), top1,
        top5, null, "1970-01-01T00:00:00Z", status == Status.RUNNING ? null : "1970-01-01T00:00:01Z", null, null, null,
        null, null, null, null, 1);
  }

  /**
   * One epoch.
   *
   * @param epoch 1-based
   * @param trainSeconds wall time of the fit
   * @param images training images seen
   * @param imagesPerSecond images / trainSeconds
   * @param averagingRounds parameter averagings done in this epoch
   * @param score the training loss DL4J reports after the epoch (its last minibatch's, averaged over
   *     workers)
   * @param learningRate the learning rate at the end of the epoch
   * @param top1 validation top-1 after the epoch; null when this epoch was not evaluated
   *     ({@code training.eval-every})
   * @param top5 validation top-5 after the epoch, or null
   * @param valLoss validation loss (mean cross-entropy) after the epoch, or null
   * @param evalSeconds wall time of the evaluation, 0 when not evaluated
   * @param elapsedSeconds the run's {@code wallSeconds} at the end of this epoch
   * @param dataWaitShare share of the workers' training loop spent waiting for the next minibatch
   *     (time blocked on the loader thread / (that + fitting time), summed over workers); null when
   *     not measured
   * @param roundMillis where a parameter-averaging round's time went, mean milliseconds per round by
   *     part (see {@code AveragingMaster}); null for runs that did not average
   */
  public record EpochMetrics(
      int epoch,
      double trainSeconds,
      long images,
      double imagesPerSecond,
      int averagingRounds,
      double score,
      double learningRate,
      Double top1,
      Double top5,
      Double valLoss,
      double evalSeconds,
      double elapsedSeconds,
      Double dataWaitShare,
      Map<String, Double> roundMillis) {}

  /**
   * Where a run diverged.
   *
   * @param epoch the epoch being trained (1-based)
   * @param step the global minibatch step (DL4J iteration count) at which a worker saw the loss, or
   *     the step count at the end of the epoch when only the averaged weights or the validation
   *     predictions showed it
   * @param loss the non-finite value as text (NaN, Infinity or -Infinity): the training loss, the sum
   *     of the weights, or NaN for validation predictions
   */
  public record Divergence(int epoch, long step, String loss) {}
}
