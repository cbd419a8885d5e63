package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.ComparisonTable.Row;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The {@code aggregate} step: every run record of a results store to the comparison table
 * (comparison.md/.csv/.tex), the paired differences (differences.md/.csv), the plots (curves per row,
 * bars.png), the flat tables for notebooks (runs.csv, runs.parquet, epochs.csv), paper-comparison.md
 * in paper mode, and report.html. Every file is written atomically, so aggregates running at once
 * into one folder all succeed and leave complete files.
 */
public final class Aggregator {

  public static final String MARKDOWN = "comparison.md";
  public static final String CSV = "comparison.csv";
  public static final String LATEX = "comparison.tex";
  public static final String DIFFERENCES_MARKDOWN = "differences.md";
  public static final String DIFFERENCES_CSV = "differences.csv";
  public static final String RUNS_CSV = "runs.csv";
  public static final String RUNS_PARQUET = "runs.parquet";
  public static final String EPOCHS_CSV = "epochs.csv";
  public static final String PAPER_MARKDOWN = "paper-comparison.md";

  private Aggregator() {}

  /** {@link #aggregate(URI, URI, Configuration, boolean)} without paper mode. */
  public static Aggregate aggregate(URI results, URI output, Configuration conf) throws IOException {
    return aggregate(results, output, conf, false);
  }

  /**
   * Reads every run under {@code results} and writes all outputs to {@code output} (created if absent).
   *
   * @param paper also write paper-comparison.md: the published table beside the measured one
   * @throws IllegalArgumentException when no run under {@code results} is complete
   */
  public static Aggregate aggregate(URI results, URI output, Configuration conf, boolean paper) throws IOException {
    RunScan scan = RunScan.of(results, conf);
    ComparisonTable table = ComparisonTable.of(scan.runs());
    if (table.rowCount() == 0) {
      throw new IllegalArgumentException("no complete runs under " + results + " (" + scan.runs().size()
          + " readable run records, " + scan.unreadable().size() + " unreadable)");
    }
    PairedDifferences differences = PairedDifferences.of(scan.runs());
    String paperMarkdown = paper ? PaperTable.load().toMarkdown(table) : null;

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(MARKDOWN, utf8(table.toMarkdown()));
    files.put(CSV, utf8(table.toCsv()));
    files.put(LATEX, utf8(table.toLatex()));
    files.put(DIFFERENCES_MARKDOWN, utf8(differences.toMarkdown()));
    files.put(DIFFERENCES_CSV, utf8(differences.toCsv()));
    files.put(RUNS_CSV, utf8(RunsTable.toCsv(scan.runs())));
    files.put(RUNS_PARQUET, RunsParquet.bytes(scan.runs()));
    files.put(EPOCHS_CSV, utf8(EpochsTable.toCsv(scan.runs())));
    if (paperMarkdown != null) {
      files.put(PAPER_MARKDOWN, utf8(paperMarkdown));
    }
    Map<String, byte[]> plots = plots(scan.runs(), table);
    files.putAll(plots);

    List<String> names = new ArrayList<>(files.keySet());
    names.add(HtmlReport.FILE);
    Aggregate aggregate = new Aggregate(output, scan, table, differences, paperMarkdown, names);
    files.put(HtmlReport.FILE, utf8(HtmlReport.html(aggregate, plots)));

    HadoopFiles.fs(output, conf).mkdirs(new Path(output));
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      HadoopFiles.writeAtomically(HadoopFiles.child(output, f.getKey()), f.getValue(), conf);
    }
    return aggregate;
  }

  /** bars.png, then one curve plot per row that has an evaluated epoch (runs of any status). */
  private static Map<String, byte[]> plots(List<RunResult> runs, ComparisonTable table) {
    Map<String, byte[]> plots = new LinkedHashMap<>();
    plots.put(BarPlot.FILE, BarPlot.png(table));
    Map<Row, List<RunResult>> byRow = new TreeMap<>();
    for (RunResult r : runs) {
      boolean evaluated = r.epochs() != null && r.epochs().stream().anyMatch(e -> e.top1() != null);
      if (evaluated) {
        byRow.computeIfAbsent(new Row(r.model(), r.augmentation()), k -> new ArrayList<>()).add(r);
      }
    }
    byRow.forEach((row, rs) -> plots.put(CurvePlot.fileName(row), CurvePlot.png(row, rs)));
    return plots;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
