package io.mishbench.results;

import java.util.Arrays;
import java.util.List;

/**
 * {@code epochs.csv}: one row per (run, epoch) with the run's cell and every
 * {@link RunResult.EpochMetrics} field, for per-epoch curves in a notebook. Accuracies are fractions
 * in [0, 1], times in seconds; an epoch that was not evaluated has empty top1, top5 and val_loss.
 */
public final class EpochsTable {

  /** The header. */
  public static final List<String> HEADER = List.of("run_id", "status", "model", "activation", "augmentation", "seed",
      "epoch", "train_seconds", "images", "images_per_second", "averaging_rounds", "score", "learning_rate", "top1",
      "top5", "val_loss", "eval_seconds", "elapsed_seconds", "data_wait_share");

  private EpochsTable() {}

  /** The CSV text of every epoch of {@code runs}, runs in the given order, epochs in theirs. */
  public static String toCsv(List<RunResult> runs) {
    StringBuilder sb = new StringBuilder(Csv.line(HEADER));
    for (RunResult r : runs) {
      for (RunResult.EpochMetrics e : r.epochs() == null ? List.<RunResult.EpochMetrics>of() : r.epochs()) {
        sb.append(Csv.line(Arrays.asList(r.runId(), r.status(), r.model(), r.activation(), r.augmentation(),
            r.seed(), e.epoch(), e.trainSeconds(), e.images(), e.imagesPerSecond(), e.averagingRounds(), e.score(),
            e.learningRate(), e.top1(), e.top5(), e.valLoss(), e.evalSeconds(), e.elapsedSeconds(),
            e.dataWaitShare())));
      }
    }
    return sb.toString();
  }
}
