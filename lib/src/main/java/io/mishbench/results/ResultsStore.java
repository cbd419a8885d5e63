package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results store: {@code <root>/runs/<runId>/run.json}, each written atomically, on any Hadoop
 * FileSystem. Model files go beside run.json.
 */
public final class ResultsStore {

  private static final Logger log = LoggerFactory.getLogger(ResultsStore.class);
  public static final String RUN_FILE = "run.json";

  private final URI root;
  private final Configuration conf;

  public ResultsStore(URI root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  public URI root() {
    return root;
  }

  /** The Hadoop configuration its files are read and written with. */
  public Configuration conf() {
    return conf;
  }

  /** The folder of one run. */
  public URI runDir(String runId) {
    return HadoopFiles.child(HadoopFiles.child(root, "runs"), runId);
  }

  /**
   * Writes (replaces) a run's record atomically.
   *
   * @throws RunLock.LostException when this driver held the run's lock and lost it ({@link RunLock#fence})
   */
  public void write(RunResult r) {
    URI target = HadoopFiles.child(runDir(r.runId()), RUN_FILE);
    RunLock.fence(runDir(r.runId()));
    try {
      HadoopFiles.fs(target, conf).mkdirs(new Path(runDir(r.runId())));
      HadoopFiles.writeJson(target, r, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * The record of {@code runId}, if it exists.
   *
   * @throws IllegalStateException when it exists but is corrupt ({@link #lookup} tells without throwing)
   */
  public Optional<RunResult> read(String runId) {
    Lookup found = lookup(runId);
    if (found instanceof Lookup.Corrupt c) {
      throw new IllegalStateException("corrupt run record " + c.file() + ": " + c.reason());
    }
    return found instanceof Lookup.Found f ? Optional.of(f.run()) : Optional.empty();
  }

  /** What {@link #lookup} found for a run id. */
  public sealed interface Lookup {
    /** No run.json. */
    record Missing() implements Lookup {}

    /** A readable, consistent record. */
    record Found(RunResult run) implements Lookup {}

    /** A run.json that cannot be trusted: unparsable (half written, truncated) or inconsistent. */
    record Corrupt(URI file, String reason) implements Lookup {}
  }

  /**
   * The record of {@code runId}, checked: it must parse and be consistent (its own id, a status, epochs
   * numbered 1, 2, ... without gaps or repeats). Never throws for a bad record: that is {@link Lookup.Corrupt}.
   */
  public Lookup lookup(String runId) {
    URI file = HadoopFiles.child(runDir(runId), RUN_FILE);
    RunResult r;
    try {
      if (!HadoopFiles.fs(file, conf).exists(new Path(file))) {
        return new Lookup.Missing();
      }
      r = HadoopFiles.readJson(file, RunResult.class, conf);
    } catch (IOException | RuntimeException e) {
      return new Lookup.Corrupt(file, String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable"));
    }
    String problem = inconsistency(r, runId);
    return problem == null ? new Lookup.Found(r) : new Lookup.Corrupt(file, problem);
  }

  private static String inconsistency(RunResult r, String runId) {
    if (r == null) {
      return "empty record";
    }
    List<String> missing = new ArrayList<>();
    if (r.runId() == null) {
      missing.add("runId");
    }
    if (r.status() == null) {
      missing.add("status");
    }
    if (r.model() == null) {
      missing.add("model");
    }
    if (r.activation() == null) {
      missing.add("activation");
    }
    if (r.augmentation() == null) {
      missing.add("augmentation");
    }
    if (!missing.isEmpty()) {
      return "no " + String.join(", ", missing);
    }
    if (!runId.equals(r.runId())) {
      return "records run id " + r.runId() + ", not " + runId;
    }
    List<RunResult.EpochMetrics> epochs = r.epochs() == null ? List.of() : r.epochs();
    for (int i = 0; i < epochs.size(); i++) {
      if (epochs.get(i) == null || epochs.get(i).epoch() != i + 1) {
        return "epoch records are not numbered 1.." + epochs.size();
      }
    }
    if (r.status() == RunResult.Status.COMPLETE && (r.top1() == null || r.top5() == null)) {
      return "COMPLETE without final top-1 and top-5";
    }
    return null;
  }

  /**
   * Moves a corrupt run.json of {@code runId} aside to {@code run.json.corrupt-<epoch millis>} (kept for
   * inspection, never read again) and returns where it went.
   */
  public URI quarantine(String runId) {
    URI file = HadoopFiles.child(runDir(runId), RUN_FILE);
    URI aside = HadoopFiles.child(runDir(runId), RUN_FILE + ".corrupt-" + System.currentTimeMillis());
    try {
      FileSystem fs = HadoopFiles.fs(file, conf);
      if (!fs.rename(new Path(file), new Path(aside))) {
        throw new IOException("rename returned false");
      }
      return aside;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move corrupt " + file + " aside: " + e.getMessage(), e);
    }
  }

  /** Every readable run record, sorted by run id; unreadable ones are logged and left out ({@link RunScan} lists them). */
  public List<RunResult> list() {
    RunScan scan = RunScan.of(root, conf);
    scan.unreadable().forEach(u -> log.warn("skipping unreadable run record {}: {}", u.path(), u.reason()));
    return scan.runs();
  }

  /** The run ids that have a folder under {@code runs/}, sorted. */
  List<String> runIds() {
    Path runs = new Path(HadoopFiles.child(root, "runs"));
    try {
      FileSystem fs = HadoopFiles.fs(root, conf);
      if (!fs.exists(runs)) {
        return List.of();
      }
      List<String> ids = new ArrayList<>();
      for (FileStatus st : fs.listStatus(runs)) {
        if (st.isDirectory()) {
          ids.add(st.getPath().getName());
        }
      }
      ids.sort(Comparator.naturalOrder());
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runs + ": " + e.getMessage(), e);
    }
  }
}
