package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.RunResult.EpochMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
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
   * @param modelBytes the model file's length (set by {@link #save}; null in checkpoints of earlier versions)
   * @param modelCrc32c the model file's CRC-32C, 8 hex digits (likewise)
   * @param previous the checkpoint before this one, kept with its model file as the fallback when this
   *     one's model file is damaged (its own {@code previous} is null)
   */
  public record State(
      String runId, int epoch, String modelFile, long iterationCount, Rng rng, List<EpochMetrics> epochs,
      String startedAt, int attempts, Double secondsToTarget, Integer epochToTarget, Long modelBytes,
      String modelCrc32c, State previous) {

    State withModel(Long bytes, String crc32c, State before) {
      return new State(runId, epoch, modelFile, iterationCount, rng, epochs, startedAt, attempts, secondsToTarget,
          epochToTarget, bytes, crc32c, before);
    }
  }

  /**
   * The run's random state. Data order and augmentation are drawn from generators derived from
   * (seed, epoch, worker, minibatch) alone ({@code data.EpochPlan}), so the seed and the
   * next epoch reproduce them exactly; weights start from the seed and are in the model file.
   *
   * @param seed the cell's seed
   * @param nextEpoch the epoch a resumed run trains first
   */
  public record Rng(long seed, int nextEpoch) {}

  /**
   * Saves the network after {@code state.epoch()} (recording the zip's length and CRC-32C), then the
   * state, which keeps the previous good checkpoint as its fallback, then drops older model files.
   */
  public void save(ComputationGraph net, State state) {
    URI dir = store.runDir(state.runId());
    URI model = HadoopFiles.child(dir, state.modelFile());
    try {
      State before = verified(state.runId()).stream().findFirst()
          .filter(b -> !b.modelFile().equals(state.modelFile()))
          .map(b -> b.withModel(b.modelBytes(), b.modelCrc32c(), null)).orElse(null);
      RunLock.fence(dir);
      CRC32C crc = new CRC32C();
      long[] bytes = {0};
      HadoopFiles.writeAtomically(model, conf, out -> {
        OutputStream counted = new CheckedOutputStream(out, crc) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            bytes[0] += len;
          }

          @Override
          public void write(int b) throws IOException {
            super.write(b);
            bytes[0]++;
          }
        };
        ModelSerializer.writeModel(net, counted, true);
        counted.flush();
      });
      State saved = state.withModel(bytes[0], String.format("%08x", crc.getValue()), before);
      RunLock.fence(dir);
      HadoopFiles.writeJson(HadoopFiles.child(dir, STATE_FILE), saved, conf);
      FileSystem fs = HadoopFiles.fs(dir, conf);
      for (FileStatus st : fs.listStatus(new Path(dir))) {
        String name = st.getPath().getName();
        if (name.startsWith(PREFIX) && name.endsWith(".zip") && !name.equals(saved.modelFile())
            && (before == null || !name.equals(before.modelFile()))) {
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
   * The last good checkpoint of {@code runId}: the latest whose model file is intact (its recorded
   * length and CRC-32C, or for checkpoints of earlier versions every zip entry's CRC), else the one
   * before it. Each problem is logged with what happens instead; with none left the run starts over.
   */
  public Optional<State> read(String runId) {
    List<State> good = verified(runId);
    return good.isEmpty() ? Optional.empty() : Optional.of(good.get(0));
  }

  /** The checkpoints of {@code runId} that can be trusted, latest first. */
  private List<State> verified(String runId) {
    URI file = HadoopFiles.child(store.runDir(runId), STATE_FILE);
    State latest;
    try {
      if (!HadoopFiles.fs(file, conf).exists(new Path(file))) {
        return List.of();
      }
      latest = HadoopFiles.readJson(file, State.class, conf);
    } catch (IOException | RuntimeException e) {
      log.warn("checkpoint {} is unreadable ({}): starting {} over", file, e.getMessage(), runId);
      return List.of();
    }
    List<State> good = new ArrayList<>();
    for (State s = latest; s != null; s = s.previous()) {
      String problem = problem(runId, s);
      if (problem == null) {
        good.add(s);
      } else {
        log.warn("checkpoint of {} after epoch {} cannot be trusted ({}): {}", runId, s.epoch(), problem,
            s.previous() != null ? "falling back to the one after epoch " + s.previous().epoch() : "starting it over");
      }
    }
    return good;
  }

  /** Why checkpoint {@code s} of {@code runId} cannot be resumed from; null when it can. */
  private String problem(String runId, State s) {
    if (!runId.equals(s.runId())) {
      return "it records run " + s.runId();
    }
    if (s.modelFile() == null || !s.modelFile().equals(modelFile(s.epoch()))) {
      return "its model file " + s.modelFile() + " is not " + modelFile(s.epoch()) + " in the run's folder";
    }
    if (s.epochs() == null || s.epochs().size() != s.epoch()) {
      return "epoch " + s.epoch() + " with " + (s.epochs() == null ? 0 : s.epochs().size()) + " epoch records";
    }
    URI model = HadoopFiles.child(store.runDir(runId), s.modelFile());
    try (InputStream in = HadoopFiles.fs(model, conf).open(new Path(model))) {
      if (s.modelCrc32c() == null) {
        return zipProblem(in);
      }
      CRC32C crc = new CRC32C();
      long bytes = 0;
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; bytes += n) {
        crc.update(buf, 0, n);
      }
      if (s.modelBytes() != null && bytes != s.modelBytes()) {
        return model + " holds " + bytes + " bytes, " + s.modelBytes() + " were written (truncated or replaced)";
      }
      String actual = String.format("%08x", crc.getValue());
      return actual.equals(s.modelCrc32c()) ? null
          : model + " has CRC-32C " + actual + ", " + s.modelCrc32c() + " was written (its bytes changed)";
    } catch (java.io.FileNotFoundException e) {
      return model + " is missing";
    } catch (IOException | RuntimeException e) {
      return model + " is unreadable: " + e.getMessage();
    }
  }

  /** Reads every entry of a zip to its end (each entry's CRC-32 is checked): why it is damaged, or null. */
  private static String zipProblem(InputStream in) throws IOException {
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; entries++) {
        zip.transferTo(OutputStream.nullOutputStream());
      }
    } catch (ZipException | java.io.EOFException e) {
      return "its model file is not a whole zip: " + e.getMessage();
    }
    return entries == 0 ? "its model file is not a zip" : null;
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
