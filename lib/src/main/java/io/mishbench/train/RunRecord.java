package io.mishbench.train;

import io.mishbench.results.Provenance;
import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.Divergence;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult.Status;
import io.mishbench.train.ExperimentConfig.Cell;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The growing record of one run while it trains, across attempts: the epochs finished so far (from
 * the checkpoint on a resume, never from a possibly lagging run.json), the summed wall time, the
 * time-to-accuracy, the provenance of every attempt. {@link #result} turns it into a {@link RunResult}.
 */
final class RunRecord {

  private final String runId;
  private final Cell cell;
  private final Map<String, Object> settings;
  private final Double target;
  private final Map<String, String> provenance;
  private final List<EpochMetrics> epochs;
  private final String startedAt;
  private final int attempts;
  private Double secondsToTarget;
  private Integer epochToTarget;

  /**
   * @param previous the run's earlier record, or null
   * @param resume its checkpoint, or null when it starts from scratch
   */
  RunRecord(String runId, Cell cell, Map<String, Object> settings, Double target, RunResult previous,
      Checkpoints.State resume) {
    this.runId = runId;
    this.cell = cell;
    this.settings = settings;
    this.target = target;
    this.provenance = previous == null || previous.provenance() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(previous.provenance());
    this.epochs = resume == null ? new ArrayList<>() : new ArrayList<>(resume.epochs());
    this.startedAt = resume != null ? resume.startedAt()
        : previous != null && previous.startedAt() != null ? previous.startedAt() : Instant.now().toString();
    this.attempts = Math.max(resume == null ? 0 : resume.attempts(), previous == null ? 0 : previous.attempts()) + 1;
    this.secondsToTarget = resume == null ? null : resume.secondsToTarget();
    this.epochToTarget = resume == null ? null : resume.epochToTarget();
  }

  String runId() {
    return runId;
  }

  int attempts() {
    return attempts;
  }

  int epochsDone() {
    return epochs.size();
  }

  /**
   * Records where this attempt runs: the full provenance on the first attempt (versions, JVM, hardware,
   * Spark layout), and {@code attempt.<n>.*} (start, host, Spark application, commit) on every one.
   */
  void addAttemptProvenance(JavaSparkContext sc) {
    Map<String, String> layout = SparkLayout.of(sc);
    if (attempts == 1) {
      provenance.putAll(Provenance.collect(layout));
    }
    String p = "attempt." + attempts + ".";
    provenance.put(p + "started", Instant.now().toString());
    provenance.put(p + "host", Provenance.host());
    provenance.put(p + "spark.app.id", layout.get("spark.app.id"));
    provenance.put(p + "git.commit", Provenance.collect(Map.of()).get("git.commit"));
    provenance.put(p + "resumed.after.epoch", String.valueOf(epochs.size()));
  }

  /** Adds a finished epoch; its {@code elapsedSeconds} is computed here. */
  void addEpoch(EpochMetrics m) {
    double elapsed = wallSeconds() + m.trainSeconds() + m.evalSeconds();
    EpochMetrics e = withElapsed(m, elapsed);
    epochs.add(e);
    if (target != null && secondsToTarget == null && e.top1() != null && e.top1() >= target) {
      secondsToTarget = elapsed;
      epochToTarget = e.epoch();
    }
  }

  /** The checkpoint state after the last finished epoch of {@code net}. */
  Checkpoints.State checkpoint(ComputationGraph net) {
    int epoch = epochs.size();
    return new Checkpoints.State(runId, epoch, Checkpoints.modelFile(epoch),
        net.getConfiguration().getIterationCount(), new Checkpoints.Rng(cell.seed(), epoch + 1), List.copyOf(epochs),
        startedAt, attempts, secondsToTarget, epochToTarget, null, null, null);
  }

  /** The record in {@code status}; final accuracies and loss only when COMPLETE. */
  RunResult result(Status status, String error, Divergence divergence) {
    EpochMetrics last = status == Status.COMPLETE ? epochs.get(epochs.size() - 1) : null;
    double trainSeconds = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
    long images = epochs.stream().mapToLong(EpochMetrics::images).sum();
    return new RunResult(runId, status, cell.model(), cell.activation(), cell.augmentation(), cell.seed(), settings,
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance)), List.copyOf(epochs), last == null ? null : last.top1(),
        last == null ? null : last.top5(), last == null ? null : last.valLoss(), startedAt,
        status == Status.RUNNING ? null : Instant.now().toString(), error, wallSeconds(),
        trainSeconds > 0 ? images / trainSeconds : null, target, secondsToTarget, epochToTarget, divergence, attempts);
  }

  private double wallSeconds() {
    return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).elapsedSeconds();
  }

  private static EpochMetrics withElapsed(EpochMetrics m, double elapsed) {
    return new EpochMetrics(m.epoch(), m.trainSeconds(), m.images(), m.imagesPerSecond(), m.averagingRounds(),
        m.score(), m.learningRate(), m.top1(), m.top5(), m.valLoss(), m.evalSeconds(), elapsed, m.dataWaitShare(),
        m.roundMillis());
  }
}
