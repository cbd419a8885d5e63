package io.mishbench.train;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;

/**
 * Tells a {@link TrainingProgress} when DL4J's parameter averaging finishes a round. DL4J's
 * {@code ParameterAveragingTrainingMaster} runs every round as one Spark job ending in a
 * {@code treeAggregate} of the workers' parameters; this driver-side listener counts those jobs among
 * the ones submitted between {@link #epochStarted} and {@link #epochEnded} (a local property marks
 * them, so evaluation's jobs never count).
 */
public final class AveragingRoundListener extends SparkListener implements AutoCloseable {

  static final String EPOCH_PROPERTY = "mishbench.training.epoch";

  private final JavaSparkContext sc;
  private final TrainingProgress progress;
  private final DoubleSupplier loss;
  private final Set<Integer> roundJobs = ConcurrentHashMap.newKeySet();
  private volatile String epoch = "";
  private long rounds;

  /**
   * Registers itself with {@code sc}; {@link #close} removes it.
   *
   * @param loss the network's loss after the last averaging (read when a round ends)
   */
  public AveragingRoundListener(JavaSparkContext sc, TrainingProgress progress, DoubleSupplier loss) {
    this.sc = sc;
    this.progress = progress;
    this.loss = loss;
    sc.sc().addSparkListener(this);
  }

  /** Call on the thread that then submits the epoch's training jobs. */
  public void epochStarted(int epochNumber) {
    synchronized (this) {
      rounds = 0;
    }
    epoch = String.valueOf(epochNumber);
    sc.setLocalProperty(EPOCH_PROPERTY, epoch);
  }

  /** Call on the same thread once the epoch's training returned. */
  public void epochEnded() {
    sc.setLocalProperty(EPOCH_PROPERTY, null);
    epoch = "";
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    String marked = start.properties() == null ? null : start.properties().getProperty(EPOCH_PROPERTY);
    if (marked == null || !marked.equals(epoch)) {
      return;
    }
    scala.collection.Iterator<StageInfo> stages = start.stageInfos().iterator();
    while (stages.hasNext()) {
      String name = stages.next().name();
      if (name != null && name.startsWith("treeAggregate")) {
        roundJobs.add(start.jobId());
        return;
      }
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    if (roundJobs.remove(end.jobId()) && end.jobResult() == JobSucceeded$.MODULE$) {
      long done;
      synchronized (this) {
        done = ++rounds;
      }
      progress.onRound(done, loss.getAsDouble());
    }
  }

  @Override
  public void close() {
    sc.sc().removeSparkListener(this);
  }
}
