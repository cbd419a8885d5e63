package io.mishbench.train;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunLock;
import io.mishbench.results.RunResult.EpochMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpoint after each epoch, beside its run.json: {@code checkpoint-e<epoch>.zip} (the
 * network with its updater state, iteration and epoch counts) and {@code checkpoint.json}
 * ({@link State}). The zip is written first and the JSON points to it, both atomically, and older
 * zips are deleted only after that, so a crash at any moment leaves either the previous checkpoint or
 * the new one, never half of one. The JSON also carries the finished epochs' metrics: a resumed run
 * takes them from there, so an epoch is never counted twice even if run.json lagged behind.
 */
public final class Checkpoints {

  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  public static final String STATE_FILE = "checkpoint.json";
  private static final String PREFIX = "checkpoint-e";

  private final ResultsStore store;
  private final Configuration conf;

  public Checkpoints(ResultsStore store, Configuration conf) {
    this.store = store;
    this.conf = conf;
  }

  /**
   * Everything a resumed run needs besides the network.
   *
   * @param runId the run
   * @param epoch the last finished epoch (1-based)
   * @param modelFile the zip of the network after that epoch, in the run's folder
   * @param iterationCount DL4J's step count after that epoch (drives the learning-rate schedule)
   * @param rng what determines the rest of the run's randomness
   * @param epochs metrics of epochs 1..epoch
   * @param startedAt when the run first started
   * @param attempts starts so far, this one included
   * @param secondsToTarget time-to-accuracy so far, or null
   * @param epochToTarget the epoch that reached the target, or null
   */
  public record State(
      String runId, int epoch, String modelFile, long iterationCount, Rng rng, List<EpochMetrics> epochs,
      String startedAt, int attempts, Double secondsToTarget, Integer epochToTarget) {}

  /**
   * The run's random state. Data order and augmentation are drawn from generators derived from
   * (seed, epoch, worker, minibatch) alone ({@link io.mishbench.data.EpochPlan}), so the seed and the
   * next epoch reproduce them exactly; weights start from the seed and are in the model file.
   *
   * @param seed the cell's seed
   * @param nextEpoch the epoch a resumed run trains first
   */
  public record Rng(long seed, int nextEpoch) {}

  /** Saves the network after {@code state.epoch()}, then the state, then drops older model files. */
  public void save(ComputationGraph net, State state) {
    URI dir = store.runDir(state.runId());
    URI model = HadoopFiles.child(dir, state.modelFile());
    try {
      RunLock.fence(dir);
      HadoopFiles.writeAtomically(model, conf, out -> ModelSerializer.writeModel(net, out, true));
      RunLock.fence(dir);
      HadoopFiles.writeJson(HadoopFiles.child(dir, STATE_FILE), state, conf);
      FileSystem fs = HadoopFiles.fs(dir, conf);
      for (FileStatus st : fs.listStatus(new Path(dir))) {
        String name = st.getPath().getName();
        if (name.startsWith(PREFIX) && name.endsWith(".zip") && !name.equals(state.modelFile())) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint of " + state.runId() + " to " + dir + ": "
          + e.getMessage(), e);
    }
  }

  /** The model file name of epoch {@code epoch}. */
  public static String modelFile(int epoch) {
    return PREFIX + epoch + ".zip";
  }

  /**
   * The last checkpoint of {@code runId}, if one exists and can be read; an unreadable one is logged
   * and ignored (the run then starts over).
   */
  public Optional<State> read(String runId) {
    URI file = HadoopFiles.child(store.runDir(runId), STATE_FILE);
    try {
      FileSystem fs = HadoopFiles.fs(file, conf);
      if (!fs.exists(new Path(file))) {
        return Optional.empty();
      }
      State s = HadoopFiles.readJson(file, State.class, conf);
      URI model = HadoopFiles.child(store.runDir(runId), s.modelFile());
      if (s.epochs() == null || s.epochs().size() != s.epoch() || !fs.exists(new Path(model))) {
        log.warn("checkpoint {} is inconsistent (epoch {}, {} epoch records, model file {}): starting {} over",
            file, s.epoch(), s.epochs() == null ? 0 : s.epochs().size(), model, runId);
        return Optional.empty();
      }
      return Optional.of(s);
    } catch (IOException | RuntimeException e) {
      log.warn("checkpoint {} is unreadable ({}): starting {} over", file, e.getMessage(), runId);
      return Optional.empty();
    }
  }

  /** The network of checkpoint {@code state}, with its updater state. */
  public ComputationGraph restore(State state) {
    URI model = HadoopFiles.child(store.runDir(state.runId()), state.modelFile());
    try (InputStream in = HadoopFiles.fs(model, conf).open(new Path(model))) {
      return ModelSerializer.restoreComputationGraph(in, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint model " + model + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the checkpoint files of {@code runId} (after it completed, or to start it over). */
  public void delete(String runId) {
    URI dir = store.runDir(runId);
    try {
      FileSystem fs = HadoopFiles.fs(dir, conf);
      if (!fs.exists(new Path(dir))) {
        return;
      }
      fs.delete(new Path(HadoopFiles.child(dir, STATE_FILE)), false);
      for (FileStatus st : fs.listStatus(new Path(dir))) {
        if (st.getPath().getName().startsWith(PREFIX)) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the checkpoint of " + runId + ": " + e.getMessage(), e);
    }
  }
}
