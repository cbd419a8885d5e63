package io.mishbench.results;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Every {@code runs/<runId>/run.json} of a results store, read through {@link ResultsStore#lookup}:
 * the records that parse and are consistent, and the files that are not, with the reason. Nothing
 * unreadable is silently dropped, so the aggregate can report it. A run folder without run.json (a run
 * being set up) is not listed.
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
    ResultsStore store = new ResultsStore(root, conf);
    List<RunResult> runs = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    for (String id : store.runIds()) {
      ResultsStore.Lookup found = store.lookup(id);
      if (found instanceof ResultsStore.Lookup.Found f) {
        runs.add(f.run());
      } else if (found instanceof ResultsStore.Lookup.Corrupt c) {
        unreadable.add(new Unreadable(c.file().toString(), c.reason()));
      }
    }
    unreadable.sort(Comparator.comparing(Unreadable::path));
    return new RunScan(runs, unreadable);
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
