package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every {@code runs/<runId>/run.json} of a results store, read: the records that parse and name their
 * run id, status, model, activation and augmentation, and the files that do not, with the reason. Unlike {@link ResultsStore#list()}, nothing unreadable is silently
 * dropped, so the aggregate can report it. A run folder without run.json (a run being set up) is not
 * listed.
 *
 * @param runs readable records, sorted by run id
 * @param unreadable run.json files that could not be read, sorted by path
 */
public record RunScan(List<RunResult> runs, List<Unreadable> unreadable) {

  /** A run.json that could not be read: its URI and the parser's or file system's message. */
  public record Unreadable(String path, String reason) {}

  public RunScan {
    runs = List.copyOf(runs);
    unreadable = List.copyOf(unreadable);
  }

  /** Reads the store under {@code root}; an absent {@code runs} folder gives an empty scan. */
  public static RunScan of(URI root, Configuration conf) {
    Path folder = new Path(HadoopFiles.child(root, "runs"));
    List<RunResult> runs = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    try {
      FileSystem fs = HadoopFiles.fs(root, conf);
      if (!fs.exists(folder)) {
        return new RunScan(runs, unreadable);
      }
      for (FileStatus st : fs.listStatus(folder)) {
        Path file = new Path(st.getPath(), ResultsStore.RUN_FILE);
        if (!st.isDirectory() || !fs.exists(file)) {
          continue;
        }
        try {
          RunResult r = HadoopFiles.readJson(file.toUri(), RunResult.class, conf);
          String missing = missing(r);
          if (missing.isEmpty()) {
            runs.add(r);
          } else {
            unreadable.add(new Unreadable(file.toUri().toString(), "no " + missing));
          }
        } catch (IOException | RuntimeException e) {
          String message = String.valueOf(e.getMessage());
          unreadable.add(new Unreadable(file.toUri().toString(), message.lines().findFirst().orElse(message)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
    runs.sort(Comparator.comparing(RunResult::runId));
    unreadable.sort(Comparator.comparing(Unreadable::path));
    return new RunScan(runs, unreadable);
  }

  /** The names of the fields every record needs that {@code r} lacks, comma-separated; empty when none. */
  static String missing(RunResult r) {
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
    return String.join(", ", missing);
  }

  /** The COMPLETE runs. */
  public List<RunResult> complete() {
    return runs.stream().filter(r -> r.status() == RunResult.Status.COMPLETE).toList();
  }

  /** The runs that are RUNNING, FAILED or DIVERGED. */
  public List<RunResult> incomplete() {
    return runs.stream().filter(r -> r.status() != RunResult.Status.COMPLETE).toList();
  }
}
