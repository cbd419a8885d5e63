package io.mishbench.averaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Spark's own view of each averaging round, from its listener events: when the round's job started,
 * when its first task launched and its training tasks finished, the slowest task's deserialization
 * and result serialization, its longest result fetch, and how long each later stage (a level of the
 * aggregation tree) took. Jobs are matched to rounds by the {@link #ROUND_PROPERTY} local property.
 */
final class RoundTimeline extends SparkListener {

  /** Spark local property naming a round: {@code <master id>:<round>}. */
  static final String ROUND_PROPERTY = "mishbench.averaging.round";

  /** Spark's figures for one round, milliseconds of the driver's clock. */
  static final class Round {
    volatile long jobStart = -1;
    volatile long jobEnd = -1;
    volatile int firstStage = Integer.MAX_VALUE;
    long firstLaunch = Long.MAX_VALUE;
    long lastTrainingFinish = -1;
    long maxTaskDeserialize;
    long maxResultSerialize;
    long maxGettingResult;
    long laterStagesMs;
    int laterStages;
  }

  private final String masterId;
  private final Map<Integer, Round> byJob = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, Round> byRound = new ConcurrentHashMap<>();

  RoundTimeline(String masterId) {
    this.masterId = masterId;
  }

  /** The figures of round {@code round}, filled as events arrive (null before its job started). */
  Round round(int round) {
    return byRound.get(round);
  }

  /** Waits up to {@code millis} for round {@code round}'s job-end event; whether it came. */
  boolean awaitEnd(int round, long millis) throws InterruptedException {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      Round r = byRound.get(round);
      if (r != null && r.jobEnd >= 0) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  /** Forgets rounds before {@code round}. */
  void forgetBefore(int round) {
    byRound.keySet().removeIf(k -> k < round);
    byJob.values().removeIf(r -> !byRound.containsValue(r));
    jobOfStage.values().removeIf(j -> !byJob.containsKey(j));
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    String tag = e.properties() == null ? null : e.properties().getProperty(ROUND_PROPERTY);
    if (tag == null || !tag.startsWith(masterId + ":")) {
      return;
    }
    Round r = new Round();
    r.jobStart = e.time();
    scala.collection.Iterator<StageInfo> stages = e.stageInfos().iterator();
    while (stages.hasNext()) {
      int id = stages.next().stageId();
      jobOfStage.put(id, e.jobId());
      r.firstStage = Math.min(r.firstStage, id);
    }
    byJob.put(e.jobId(), r);
    byRound.put(Integer.parseInt(tag.substring(masterId.length() + 1)), r);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    Integer job = jobOfStage.get(e.stageId());
    Round r = job == null ? null : byJob.get(job);
    if (r == null || e.taskInfo() == null) {
      return;
    }
    synchronized (r) {
      if (e.stageId() == r.firstStage) {
        r.firstLaunch = Math.min(r.firstLaunch, e.taskInfo().launchTime());
        r.lastTrainingFinish = Math.max(r.lastTrainingFinish, e.taskInfo().finishTime());
      }
      if (e.taskMetrics() != null) {
        r.maxTaskDeserialize = Math.max(r.maxTaskDeserialize, e.taskMetrics().executorDeserializeTime());
        r.maxResultSerialize = Math.max(r.maxResultSerialize, e.taskMetrics().resultSerializationTime());
      }
      if (e.taskInfo().gettingResult()) {
        r.maxGettingResult = Math.max(r.maxGettingResult, e.taskInfo().finishTime() - e.taskInfo().gettingResultTime());
      }
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo s = e.stageInfo();
    Integer job = jobOfStage.get(s.stageId());
    Round r = job == null ? null : byJob.get(job);
    if (r == null || s.stageId() == r.firstStage || s.submissionTime().isEmpty() || s.completionTime().isEmpty()) {
      return;
    }
    synchronized (r) {
      r.laterStagesMs += (Long) s.completionTime().get() - (Long) s.submissionTime().get();
      r.laterStages++;
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    Round r = byJob.get(e.jobId());
    if (r != null) {
      r.jobEnd = e.time();
    }
  }
}
