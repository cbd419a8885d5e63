package io.mishbench.train;

import io.mishbench.train.ExperimentConfig.Cell;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress inside an epoch, on the driver: whoever runs the averaging rounds calls
 * {@link #onEpochStart}, {@link #onRound} after each round and {@link #onEpochEnd}; this class turns
 * that into {@link Round} reports to the run's {@link RunProgress} (which prints them) and into the
 * gauges of {@link MetricsPlugin}. A report goes out every {@code everyRounds} rounds, and a timer
 * reports at least every {@code everySeconds} even while a long round is still running.
 *
 * <p>{@code SparkTrainer} calls {@link #onRound} from {@code AveragingMaster}'s round listener.
 */
public final class TrainingProgress implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TrainingProgress.class);

  /** Default: a report at least once a minute. */
  public static final int EVERY_SECONDS = 60;

  /** Default: a report every 10 averaging rounds. */
  public static final int EVERY_ROUNDS = 10;

  /**
   * One report.
   *
   * @param imagesDone images trained in this epoch so far (rounds x workers x batch x frequency, capped)
   * @param imagesPerSecond imagesDone over the epoch's elapsed seconds (NaN before the first round)
   * @param loss the training loss after the last averaging round (NaN while unknown)
   * @param epochSecondsLeft the epoch's remaining seconds at the rate so far (NaN before the first round)
   */
  public record Round(Cell cell, int epoch, int epochs, long roundsDone, long roundsTotal, long imagesDone,
      long imagesTotal, double elapsedSeconds, double imagesPerSecond, double loss, double epochSecondsLeft) {

    /** The whole epoch's seconds at the rate so far (NaN before the first round). */
    public double epochSecondsEstimate() {
      return elapsedSeconds + epochSecondsLeft;
    }
  }

  private final Cell cell;
  private final RunProgress sink;
  private final int everyRounds;
  private final long everyNanos;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService timer;

  private int epoch;
  private int epochs;
  private long roundsTotal;
  private long imagesTotal;
  private long imagesPerRound;
  private long epochStart;
  private long roundsDone;
  private long lastReportRounds;
  private long lastReportNanos;
  private double loss = Double.NaN;
  private boolean inEpoch;

  /**
   * @param everySeconds report at least this often while an epoch trains (0: no timer)
   * @param everyRounds report every this many rounds
   * @param nanoClock {@link System#nanoTime} except in tests
   */
  public TrainingProgress(Cell cell, RunProgress sink, int everySeconds, int everyRounds, LongSupplier nanoClock) {
    if (everyRounds < 1 || everySeconds < 0) {
      throw new IllegalArgumentException("everyRounds must be >= 1 and everySeconds >= 0, got " + everyRounds
          + " and " + everySeconds);
    }
    this.cell = cell;
    this.sink = sink;
    this.everyRounds = everyRounds;
    this.everyNanos = TimeUnit.SECONDS.toNanos(everySeconds);
    this.nanoClock = nanoClock;
    MetricsPlugin.reset();
    if (everySeconds > 0) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mishbench-progress");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::tick, everySeconds, Math.max(1, everySeconds / 4), TimeUnit.SECONDS);
    } else {
      timer = null;
    }
  }

  /** Spark setting ({@code --conf}): report at least every this many seconds (default {@value #EVERY_SECONDS}). */
  public static final String EVERY_SECONDS_KEY = "spark.mishbench.progress.seconds";

  /** Spark setting ({@code --conf}): report every this many averaging rounds (default {@value #EVERY_ROUNDS}). */
  public static final String EVERY_ROUNDS_KEY = "spark.mishbench.progress.rounds";

  /** Reports to {@code sink} as often as {@code conf} says ({@link #EVERY_SECONDS_KEY}, {@link #EVERY_ROUNDS_KEY}). */
  public static TrainingProgress forRun(SparkConf conf, Cell cell, RunProgress sink) {
    return new TrainingProgress(cell, sink, conf.getInt(EVERY_SECONDS_KEY, EVERY_SECONDS),
        conf.getInt(EVERY_ROUNDS_KEY, EVERY_ROUNDS), System::nanoTime);
  }

  /**
   * An epoch starts.
   *
   * @param imagesPerRound images all workers together train between two averagings
   */
  public synchronized void onEpochStart(int epoch, int epochs, long roundsTotal, long imagesTotal, long imagesPerRound) {
    this.epoch = epoch;
    this.epochs = epochs;
    this.roundsTotal = roundsTotal;
    this.imagesTotal = imagesTotal;
    this.imagesPerRound = imagesPerRound;
    this.roundsDone = 0;
    this.lastReportRounds = 0;
    this.epochStart = nanoClock.getAsLong();
    this.lastReportNanos = epochStart;
    this.inEpoch = true;
    MetricsPlugin.round(epoch, 0, roundsTotal, Double.NaN, Double.NaN);
  }

  /** An averaging round of the current epoch ended; {@code lossOrNaN} is the loss after it, NaN if unknown. */
  public synchronized void onRound(long roundsDone, double lossOrNaN) {
    if (!inEpoch) {
      return;
    }
    this.roundsDone = Math.max(this.roundsDone, roundsDone);
    if (!Double.isNaN(lossOrNaN)) {
      loss = lossOrNaN;
    }
    Round r = snapshot();
    MetricsPlugin.round(epoch, r.roundsDone(), roundsTotal, r.imagesPerSecond(), r.loss());
    if (this.roundsDone - lastReportRounds >= everyRounds) {
      report(r);
    }
  }

  /** The epoch ended: its metrics go to the gauges ({@code top1OrNaN} NaN when it was not evaluated). */
  public synchronized void onEpochEnd(double imagesPerSecond, double epochLoss, double waitShare, double top1OrNaN) {
    inEpoch = false;
    MetricsPlugin.epoch(epoch, imagesPerSecond, epochLoss, waitShare, top1OrNaN);
  }

  /** The latest state as a report. */
  synchronized Round snapshot() {
    double elapsed = (nanoClock.getAsLong() - epochStart) / 1e9;
    long images = Math.min(imagesTotal, roundsDone * imagesPerRound);
    double rate = roundsDone == 0 || elapsed <= 0 ? Double.NaN : images / elapsed;
    double left = roundsDone == 0 ? Double.NaN : elapsed * (roundsTotal - roundsDone) / roundsDone;
    return new Round(cell, epoch, epochs, roundsDone, roundsTotal, images, imagesTotal, elapsed, rate, loss,
        Math.max(0, left));
  }

  /** The timer: a report when none went out for {@code everySeconds}. */
  synchronized void tick() {
    if (inEpoch && nanoClock.getAsLong() - lastReportNanos >= everyNanos) {
      report(snapshot());
    }
  }

  private void report(Round r) {
    lastReportRounds = r.roundsDone();
    lastReportNanos = nanoClock.getAsLong();
    try {
      sink.roundDone(r);
    } catch (RuntimeException e) { // progress must never stop training
      log.warn("progress report failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      inEpoch = false;
    }
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
