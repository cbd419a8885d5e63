package io.mishbench.train;

import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.EpochMetrics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints one line per finished epoch of a grid: the cell (k of n), epoch, training loss, validation
 * top-1, images/s, and estimates of the time left for the cell and for the grid; and, inside an epoch,
 * the lines {@link TrainingProgress} asks for (averaging rounds done, images/s, loss, time left). A cell's estimate is
 * its own mean epoch time (earlier attempts included) times its epochs left; the grid's adds, for
 * every cell still to train, its epochs times the mean epoch time measured so far for its model (or
 * for all models, before its model was seen).
 */
public final class GridProgress {

  private final PrintStream out;
  private final List<ExperimentConfig.Cell> cells;
  private final boolean[] pending;
  private final int epochsPerCell;
  private final Map<String, double[]> secondsByModel = new HashMap<>(); // model -> {seconds, epochs}

  /**
   * @param pending for each cell, whether it still needs training (false: already complete)
   */
  public GridProgress(PrintStream out, List<ExperimentConfig.Cell> cells, boolean[] pending, int epochsPerCell) {
    this.out = out;
    this.cells = cells;
    this.pending = pending.clone();
    this.epochsPerCell = epochsPerCell;
  }

  /** The progress of cell {@code index} (0-based): a line per epoch, and lines inside epochs. */
  public RunProgress cell(int index) {
    return new RunProgress() {
      @Override
      public void epochDone(RunResult run, int epochs) {
        synchronized (GridProgress.this) { // rounds are reported from Spark's listener and a timer thread
          EpochMetrics last = run.epochs().get(run.epochs().size() - 1);
          double[] m = secondsByModel.computeIfAbsent(run.model(), k -> new double[2]);
          m[0] += last.elapsedSeconds() - (run.epochs().size() > 1 ? run.epochs().get(run.epochs().size() - 2).elapsedSeconds() : 0);
          m[1] += 1;
          print(line(index, run, last, epochs));
        }
      }

      @Override
      public void roundDone(TrainingProgress.Round round) {
        synchronized (GridProgress.this) {
          print(roundLine(index, round));
        }
      }
    };
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  /**
   * A line inside an epoch: averaging rounds done of the epoch's, images/s and loss so far, and the time
   * left for the epoch, the cell (its later epochs at this epoch's estimated length) and the grid.
   */
  String roundLine(int index, TrainingProgress.Round r) {
    double perEpoch = r.epochSecondsEstimate();
    double cellLeft = r.epochSecondsLeft() + (r.epochs() - r.epoch()) * perEpoch;
    double gridLeft = cellLeft;
    for (int i = index + 1; i < cells.size(); i++) {
      if (pending[i]) {
        gridLeft += epochsPerCell * meanEpochSeconds(cells.get(i).model(), perEpoch);
      }
    }
    ExperimentConfig.Cell c = r.cell();
    return String.format(Locale.ROOT,
        "[cell %d/%d] %s/%s %s seed %d | epoch %d/%d | round %d/%d | %s img/s | loss %s | epoch %s left | cell %s left"
            + " | grid %s left",
        index + 1, cells.size(), c.model(), c.augmentation(), c.activation(), c.seed(), r.epoch(), r.epochs(),
        r.roundsDone(), r.roundsTotal(), orDash("%.1f", r.imagesPerSecond()), orDash("%.4f", r.loss()),
        durationOrDash(r.epochSecondsLeft()), durationOrDash(cellLeft), durationOrDash(gridLeft));
  }

  private static String orDash(String format, double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
  }

  private static String durationOrDash(double seconds) {
    return Double.isFinite(seconds) ? duration(seconds) : "?";
  }

  /** Marks cell {@code index} as finished (trained, skipped or failed): it no longer counts as time left. */
  public synchronized void finished(int index) {
    pending[index] = false;
  }

  String line(int index, RunResult run, EpochMetrics last, int epochs) {
    double perEpoch = last.elapsedSeconds() / last.epoch();
    double cellLeft = perEpoch * (epochs - last.epoch());
    double gridLeft = cellLeft;
    for (int i = index + 1; i < cells.size(); i++) {
      if (pending[i]) {
        gridLeft += epochsPerCell * meanEpochSeconds(cells.get(i).model(), perEpoch);
      }
    }
    return String.format(Locale.ROOT,
        "[cell %d/%d] %s/%s %s seed %d | epoch %d/%d | loss %.4f | top-1 %s | %.1f img/s | cell %s left | grid %s left",
        index + 1, cells.size(), run.model(), run.augmentation(), run.activation(), run.seed(), last.epoch(), epochs,
        last.score(), last.top1() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * last.top1()),
        last.imagesPerSecond(), duration(cellLeft), duration(gridLeft));
  }

  private double meanEpochSeconds(String model, double fallback) {
    double[] m = secondsByModel.get(model);
    if (m != null && m[1] > 0) {
      return m[0] / m[1];
    }
    double s = 0;
    double n = 0;
    for (double[] v : secondsByModel.values()) {
      s += v[0];
      n += v[1];
    }
    return n > 0 ? s / n : fallback;
  }

  /** {@code 1h02m}, {@code 4m10s} or {@code 12s}. */
  public static String duration(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(Math.max(0, seconds)));
    if (d.toHours() > 0) {
      return String.format(Locale.ROOT, "~%dh%02dm", d.toHours(), d.toMinutesPart());
    }
    if (d.toMinutes() > 0) {
      return String.format(Locale.ROOT, "~%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
    return "~" + d.toSeconds() + "s";
  }
}
