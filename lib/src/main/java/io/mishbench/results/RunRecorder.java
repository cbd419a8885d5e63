package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.RunResult.Divergence;
import io.mishbench.results.RunResult.EpochMetrics;
import io.mishbench.results.RunResult.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The life of one run in a {@link ResultsStore}, the same for every trainer (Spark training, the
 * robustness networks, the landscape networks):
 *
 * <ol>
 *   <li>{@link #open}: a COMPLETE run (with its {@link #MODEL_FILE} when the caller needs the network) or a
 *       DIVERGED one is final and {@link #finished()} returns it; a corrupt run.json is moved aside (and
 *       any checkpoint dropped) and the run starts over; a RUNNING (killed), FAILED, or model-less COMPLETE
 *       run is trained again as its next attempt, keeping its provenance and first start, and resuming
 *       from the {@link Checkpoints} state the caller passes (Spark training keeps checkpoints);</li>
 *   <li>{@link #start}: RUNNING, with this attempt's provenance;</li>
 *   <li>{@link #epoch}: each finished epoch (its elapsed time and the time-to-target computed here),
 *       RUNNING rewritten;</li>
 *   <li>{@link #saveModel} then {@link #complete}, or {@link #diverged}, or {@link #failed}; a final state
 *       drops the checkpoints, FAILED keeps them for the next attempt.</li>
 * </ol>
 */
public final class RunRecorder {

  /** The trained network in a run's folder, beside run.json. */
  public static final String MODEL_FILE = "model.zip";

  /**
   * What a run is: the cell and the settings that change its result, from which its id is derived.
   *
   * @param settings flat {@code key -> value}, recorded as run.json's {@code config} and hashed into the id
   */
  public record Identity(String model, String activation, String augmentation, long seed, Map<String, Object> settings) {
    public Identity {
      settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** {@link RunIds#of} of this identity. */
    public String runId() {
      return RunIds.of(model, activation, augmentation, seed, settings);
    }
  }

  private final ResultsStore store;
  private final Checkpoints checkpoints;
  private final Identity identity;
  private final String runId;
  private final Double target;
  private final RunResult finished;
  private final RunResult previous;
  private Map<String, String> provenance;
  private List<EpochMetrics> epochs = new ArrayList<>();
  private String startedAt;
  private int attempts;
  private Double secondsToTarget;
  private Integer epochToTarget;

  private RunRecorder(ResultsStore store, Checkpoints checkpoints, Identity identity, Double target, RunResult finished,
      RunResult previous) {
    this.store = store;
    this.checkpoints = checkpoints;
    this.identity = identity;
    this.runId = identity.runId();
    this.target = target;
    this.finished = finished;
    this.previous = previous;
  }

  /**
   * Looks the run up in {@code store}.
   *
   * @param checkpoints the run's checkpoints, dropped with a corrupt record; null for trainers that keep none
   * @param target time-to-accuracy target top-1, or null
   * @param needsModel whether a COMPLETE run counts as finished only with its model file (the caller
   *     goes on to use the network)
   * @param say where the notes go (a corrupt record moved aside, a run trained again)
   */
  public static RunRecorder open(ResultsStore store, Checkpoints checkpoints, Identity identity, Double target,
      boolean needsModel, Consumer<String> say) {
    String id = identity.runId();
    ResultsStore.Lookup found = store.lookup(id);
    if (found instanceof ResultsStore.Lookup.Corrupt c) {
      URI aside = store.quarantine(id);
      if (checkpoints != null) {
        checkpoints.delete(id);
      }
      say.accept("run record " + c.file() + " is corrupt (" + c.reason() + "); moved to " + aside + "; training " + id
          + " from the start");
      return new RunRecorder(store, checkpoints, identity, target, null, null);
    }
    if (found instanceof ResultsStore.Lookup.Found f) {
      RunResult r = f.run();
      boolean modelGone = r.status() == Status.COMPLETE && needsModel && !exists(store.conf(), modelFile(store, id));
      if (r.status().isFinal() && !modelGone) {
        return new RunRecorder(store, checkpoints, identity, target, r, null);
      }
      if (modelGone) {
        say.accept("run " + id + " is COMPLETE without its " + MODEL_FILE + "; training it again");
      }
      return new RunRecorder(store, checkpoints, identity, target, null, r);
    }
    return new RunRecorder(store, checkpoints, identity, target, null, null);
  }

  /** The run's final record (COMPLETE or DIVERGED) when there is nothing to train, else null. */
  public RunResult finished() {
    return finished;
  }

  /** The record of an earlier, unfinished attempt, or null. */
  public RunResult previous() {
    return previous;
  }

  public String runId() {
    return runId;
  }

  public Identity identity() {
    return identity;
  }

  /** The run's model file. */
  public URI modelFile() {
    return modelFile(store, runId);
  }

  /** {@link #MODEL_FILE} in the folder of {@code runId}. */
  public static URI modelFile(ResultsStore store, String runId) {
    return HadoopFiles.child(store.runDir(runId), MODEL_FILE);
  }

  /**
   * Starts this attempt and writes the run RUNNING.
   *
   * @param resume the checkpoint it resumes from (its epochs, first start, attempts and time-to-target
   *     are taken from there, never from a possibly lagging run.json), or null to start from scratch
   * @param environment provenance of the trainer (e.g. the Spark layout, or which trainer it is): all of it
   *     on the first attempt, and the keys of {@code attemptKeys} again as {@code attempt.<n>.<key>}
   * @return the attempt number, 1 for the first
   */
  public int start(Checkpoints.State resume, Map<String, String> environment, List<String> attemptKeys) {
    if (finished != null) {
      throw new IllegalStateException("run " + runId + " is already " + finished.status());
    }
    provenance = previous == null || previous.provenance() == null
        ? new LinkedHashMap<>() : new LinkedHashMap<>(previous.provenance());
    epochs = resume == null ? new ArrayList<>() : new ArrayList<>(resume.epochs());
    startedAt = resume != null ? resume.startedAt()
        : previous != null && previous.startedAt() != null ? previous.startedAt() : Instant.now().toString();
    attempts = Math.max(resume == null ? 0 : resume.attempts(), previous == null ? 0 : previous.attempts()) + 1;
    secondsToTarget = resume == null ? null : resume.secondsToTarget();
    epochToTarget = resume == null ? null : resume.epochToTarget();
    if (attempts == 1) {
      provenance.putAll(Provenance.collect(environment));
    }
    String p = "attempt." + attempts + ".";
    provenance.put(p + "started", Instant.now().toString());
    provenance.put(p + "host", Provenance.host());
    for (String key : attemptKeys) {
      provenance.put(p + key, environment.get(key));
    }
    provenance.put(p + "git.commit", Provenance.collect(Map.of()).get("git.commit"));
    provenance.put(p + "resumed.after.epoch", String.valueOf(epochs.size()));
    store.write(result(Status.RUNNING, null, null));
    return attempts;
  }

  public int attempts() {
    return attempts;
  }

  /** Epochs finished so far, this attempt's and those resumed. */
  public int epochsDone() {
    return epochs.size();
  }

  /** The finished epochs so far. */
  public List<EpochMetrics> epochs() {
    return List.copyOf(epochs);
  }

  /**
   * Records a finished epoch, its {@code elapsedSeconds} computed here (the sum of every epoch's
   * training and evaluation time), saves the checkpoint of {@code net} when this run keeps checkpoints,
   * then rewrites the run RUNNING (in that order: run.json never runs ahead of the checkpoint).
   *
   * @param net the network after the epoch, or null for trainers that keep no checkpoints
   * @return the record written
   */
  public RunResult epoch(EpochMetrics m, ComputationGraph net) {
    add(m);
    if (net != null && checkpoints != null) {
      checkpoints.save(net, checkpoint(net.getConfiguration().getIterationCount()));
    }
    RunResult now = result(Status.RUNNING, null, null);
    store.write(now);
    return now;
  }

  private void add(EpochMetrics m) {
    double elapsed = wallSeconds() + m.trainSeconds() + m.evalSeconds();
    EpochMetrics e = new EpochMetrics(m.epoch(), m.trainSeconds(), m.images(), m.imagesPerSecond(),
        m.averagingRounds(), m.score(), m.learningRate(), m.top1(), m.top5(), m.valLoss(), m.evalSeconds(), elapsed,
        m.dataWaitShare(), m.roundMillis());
    epochs.add(e);
    if (target != null && secondsToTarget == null && e.top1() != null && e.top1() >= target) {
      secondsToTarget = elapsed;
      epochToTarget = e.epoch();
    }
  }

  /** The checkpoint state after the last finished epoch, for a network at DL4J step {@code iterationCount}. */
  private Checkpoints.State checkpoint(long iterationCount) {
    int epoch = epochs.size();
    return new Checkpoints.State(runId, epoch, Checkpoints.modelFile(epoch), iterationCount,
        new Checkpoints.Rng(identity.seed(), epoch + 1), List.copyOf(epochs), startedAt, attempts, secondsToTarget,
        epochToTarget, null, null, null);
  }

  /**
   * Writes the model file atomically with {@code writer} (a DL4J {@code ModelSerializer.writeModel}), after
   * checking that this driver still holds the run ({@link RunLock#fence}).
   */
  public void saveModel(HadoopFiles.Writer writer) {
    URI target = modelFile();
    RunLock.fence(store.runDir(runId));
    try {
      HadoopFiles.writeAtomically(target, store.conf(), writer);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Writes the run COMPLETE, with the last epoch's accuracies and loss, and drops its checkpoints. */
  public RunResult complete() {
    return end(result(Status.COMPLETE, null, null));
  }

  /** Writes the run DIVERGED at {@code d} and drops its checkpoints: a rerun would diverge again. */
  public RunResult diverged(Divergence d) {
    return end(result(Status.DIVERGED, null, d));
  }

  /**
   * {@link #diverged(Divergence)} after an epoch whose training finished but whose evaluation did not (NaN
   * predictions from finite weights): its training figures are real and kept in the record.
   */
  public RunResult diverged(Divergence d, EpochMetrics trainedEpoch) {
    add(trainedEpoch);
    return diverged(d);
  }

  /**
   * Writes the run FAILED with {@code e}'s message, keeping its checkpoints for the next attempt.
   *
   * @return {@code e} itself when unchecked, else wrapped, for the caller to throw
   */
  public RuntimeException failed(Exception e) {
    store.write(result(Status.FAILED, String.valueOf(e), null));
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  private RunResult end(RunResult r) {
    store.write(r);
    if (checkpoints != null) {
      checkpoints.delete(runId);
    }
    return r;
  }

  /** The record in {@code status}; final accuracies and loss only when COMPLETE. */
  private RunResult result(Status status, String error, Divergence divergence) {
    EpochMetrics last = status == Status.COMPLETE ? epochs.get(epochs.size() - 1) : null;
    double trainSeconds = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
    long images = epochs.stream().mapToLong(EpochMetrics::images).sum();
    return new RunResult(runId, status, identity.model(), identity.activation(), identity.augmentation(),
        identity.seed(), identity.settings(), Collections.unmodifiableMap(new LinkedHashMap<>(provenance)),
        List.copyOf(epochs), last == null ? null : last.top1(), last == null ? null : last.top5(),
        last == null ? null : last.valLoss(), startedAt, status == Status.RUNNING ? null : Instant.now().toString(),
        error, wallSeconds(), trainSeconds > 0 ? images / trainSeconds : null, target, secondsToTarget, epochToTarget,
        divergence, attempts);
  }

  private double wallSeconds() {
    return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).elapsedSeconds();
  }

  private static boolean exists(Configuration conf, URI file) {
    try {
      return HadoopFiles.fs(file, conf).exists(new Path(file));
    } catch (IOException e) {
      return false;
    }
  }
}
