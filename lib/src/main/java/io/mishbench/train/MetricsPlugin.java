package io.mishbench.train;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Publishes the driver's training metrics through Spark's metrics system, so every sink configured
 * for the application (JMX, the Prometheus servlet, CSV, Graphite, ...) sees them. {@link SparkSetup}
 * adds it to {@code spark.plugins}; {@link TrainingProgress} sets the values.
 *
 * <p>Spark names them {@code <app id>.driver.plugin.io.mishbench.train.MetricsPlugin.<gauge>} with the
 * gauges {@value #IMAGES_PER_SECOND}, {@value #LOSS}, {@value #ROUNDS_DONE}, {@value #ROUNDS_TOTAL},
 * {@value #DATA_WAIT_SHARE}, {@value #EPOCH}, {@value #TOP1}: the current epoch's images/s and
 * training loss (per averaging round while it trains, then the epoch's), its averaging rounds done and
 * planned, and the last finished epoch's share of worker time waiting for data and validation top-1
 * (NaN until known). The values are per driver JVM (one run trains at a time).
 */
public final class MetricsPlugin implements SparkPlugin {

  public static final String IMAGES_PER_SECOND = "imagesPerSecond";
  public static final String LOSS = "loss";
  public static final String ROUNDS_DONE = "averagingRoundsDone";
  public static final String ROUNDS_TOTAL = "averagingRoundsTotal";
  public static final String DATA_WAIT_SHARE = "dataWaitShare";
  public static final String EPOCH = "epoch";
  public static final String TOP1 = "top1";

  private static volatile double imagesPerSecond = Double.NaN;
  private static volatile double loss = Double.NaN;
  private static volatile double roundsDone = Double.NaN;
  private static volatile double roundsTotal = Double.NaN;
  private static volatile double dataWaitShare = Double.NaN;
  private static volatile double epoch = Double.NaN;
  private static volatile double top1 = Double.NaN;

  /** While an epoch trains: its number, rounds, images/s and loss (NaN: not known yet). */
  static void round(int epochNumber, long done, long total, double imagesPerSec, double lossOrNaN) {
    epoch = epochNumber;
    roundsDone = done;
    roundsTotal = total;
    imagesPerSecond = imagesPerSec;
    if (!Double.isNaN(lossOrNaN)) {
      loss = lossOrNaN;
    }
  }

  /** After an epoch: its images/s, loss, data-wait share and top-1 (NaN when not evaluated). */
  static void epoch(int epochNumber, double imagesPerSec, double epochLoss, double waitShare, double top1OrNaN) {
    epoch = epochNumber;
    imagesPerSecond = imagesPerSec;
    loss = epochLoss;
    roundsDone = roundsTotal;
    dataWaitShare = waitShare;
    if (!Double.isNaN(top1OrNaN)) {
      top1 = top1OrNaN;
    }
  }

  /** Back to unknown, before a run starts. */
  static void reset() {
    imagesPerSecond = Double.NaN;
    loss = Double.NaN;
    roundsDone = Double.NaN;
    roundsTotal = Double.NaN;
    dataWaitShare = Double.NaN;
    epoch = Double.NaN;
    top1 = Double.NaN;
  }

  @Override
  public DriverPlugin driverPlugin() {
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext sc, PluginContext ctx) {
        return Map.of();
      }

      @Override
      public void registerMetrics(String appId, PluginContext ctx) {
        MetricRegistry r = ctx.metricRegistry();
        gauge(r, IMAGES_PER_SECOND, () -> imagesPerSecond);
        gauge(r, LOSS, () -> loss);
        gauge(r, ROUNDS_DONE, () -> roundsDone);
        gauge(r, ROUNDS_TOTAL, () -> roundsTotal);
        gauge(r, DATA_WAIT_SHARE, () -> dataWaitShare);
        gauge(r, EPOCH, () -> epoch);
        gauge(r, TOP1, () -> top1);
      }
    };
  }

  private static void gauge(MetricRegistry r, String name, DoubleSupplier value) {
    r.register(name, (Gauge<Double>) value::getAsDouble);
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }
}
