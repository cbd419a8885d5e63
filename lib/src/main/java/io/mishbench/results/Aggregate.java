package io.mishbench.results;

import io.mishbench.results.TextTable.Cell;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code aggregate} produced.
 *
 * @param output the folder written to
 * @param scan every run record read, and the unreadable ones
 * @param table the comparison table of the COMPLETE runs
 * @param differences Mish against LReLU and Swish, paired by seed
 * @param paperMarkdown paper-comparison.md's text, or null when paper mode was off
 * @param files the names of the files written into {@code output}, in writing order
 */
public record Aggregate(
    URI output, RunScan scan, ComparisonTable table, PairedDifferences differences, String paperMarkdown,
    List<String> files) {

  public Aggregate {
    files = List.copyOf(files);
  }

  /** One line per run that is not COMPLETE and per unreadable run record. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (List<Cell> row : incomplete().rows()) {
      out.add("run " + row.get(0).text() + " is " + row.get(1).text() + " (epoch " + row.get(2).text() + ", step "
          + row.get(3).text() + "): " + row.get(4).text() + "; left out of the table");
    }
    for (RunScan.Unreadable u : scan.unreadable()) {
      out.add("unreadable run record " + u.path() + ": " + u.reason());
    }
    return out;
  }

  /**
   * The runs that are not COMPLETE: run id, status, the last finished epoch (for a DIVERGED run the
   * epoch it diverged in), the divergence step ('-' when unknown), and the error or the divergent loss.
   */
  public TextTable incomplete() {
    List<List<Cell>> rows = new ArrayList<>();
    for (RunResult r : scan.incomplete()) {
      RunResult.Divergence d = r.divergence();
      int epochs = r.epochs() == null ? 0 : r.epochs().size();
      String detail = r.error() != null ? r.error()
          : d != null ? "loss " + d.loss()
          : r.status() == RunResult.Status.RUNNING ? "running or interrupted" : "no error recorded";
      rows.add(List.of(Cell.of(r.runId()), Cell.of(r.status().name()),
          Cell.of(String.valueOf(d != null ? d.epoch() : epochs)),
          Cell.of(d != null && d.step() >= 0 ? String.valueOf(d.step()) : "-"), Cell.of(detail)));
    }
    return new TextTable(List.of("Run", "Status", "Epoch", "Step", "Error"), 5, rows);
  }
}
