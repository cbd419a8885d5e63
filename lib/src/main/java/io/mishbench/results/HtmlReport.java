package io.mishbench.results;

import io.mishbench.results.TextTable.Cell;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * report.html: one self-contained page (inline CSS, plots as base64 PNG data URIs, no scripts and no
 * external links) with the comparison table, the paired differences, the paper comparison when made,
 * the plots, the runs that are not complete, the unreadable run records and a provenance summary.
 */
public final class HtmlReport {

  public static final String FILE = "report.html";

  private static final String CSS = """
      body{font-family:sans-serif;margin:2em;color:#222}
      table{border-collapse:collapse;margin:1em 0}
      th,td{border:1px solid #ccc;padding:4px 8px}
      th{background:#f3f3f3}
      .num{text-align:right}
      img{max-width:100%;display:block;margin:1em 0}
      """;

  private HtmlReport() {}

  /**
   * The page.
   *
   * @param aggregate the tables and the scan; its {@code files} are not needed yet
   * @param plots file name to PNG bytes, in display order
   */
  public static String html(Aggregate aggregate, Map<String, byte[]> plots) {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>mishbench comparison</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    sb.append("<h1>mishbench comparison</h1>\n<p>").append(TextTable.html(summary(aggregate.scan()))).append("</p>\n");
    sb.append("<h2>Validation accuracy (%), mean ± std over seeds (n)</h2>\n").append(aggregate.table().text().toHtml());
    sb.append("<h2>Paired differences of top-1, Mish − baseline, by seed</h2>\n");
    sb.append(aggregate.differences().differences().isEmpty()
        ? "<p>" + TextTable.html(aggregate.differences().toMarkdown().strip()) + "</p>\n"
        : aggregate.differences().text().toHtml());
    if (aggregate.paperMarkdown() != null) {
      sb.append("<h2>Published beside measured</h2>\n").append(PaperTable.load().beside(aggregate.table()).toHtml());
    }
    sb.append("<h2>Plots</h2>\n");
    plots.forEach((name, png) -> sb.append("<img alt=\"").append(TextTable.html(name))
        .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">\n"));
    sb.append("<h2>Runs that are not complete</h2>\n").append(aggregate.incomplete().rows().isEmpty()
        ? "<p>None.</p>\n" : aggregate.incomplete().toHtml());
    sb.append("<h2>Unreadable run records</h2>\n").append(aggregate.scan().unreadable().isEmpty()
        ? "<p>None.</p>\n" : unreadable(aggregate.scan()).toHtml());
    sb.append("<h2>Provenance</h2>\n").append(provenance(aggregate.scan().runs()).toHtml());
    return sb.append("</body>\n</html>\n").toString();
  }

  private static String summary(RunScan scan) {
    return scan.runs().size() + " run records, " + scan.complete().size() + " complete, " + scan.incomplete().size()
        + " not complete, " + scan.unreadable().size() + " unreadable.";
  }

  private static TextTable unreadable(RunScan scan) {
    List<List<Cell>> rows = new ArrayList<>();
    scan.unreadable().forEach(u -> rows.add(List.of(Cell.of(u.path()), Cell.of(u.reason()))));
    return new TextTable(List.of("File", "Reason"), 2, rows);
  }

  /**
   * Every provenance key (git commit, versions, JVM, OS, hardware, Spark layout) with its distinct
   * values and how many runs have each; the {@code resumed.*} entries of resumed runs are left out.
   */
  static TextTable provenance(List<RunResult> runs) {
    Map<String, Map<String, Integer>> values = new TreeMap<>();
    for (RunResult r : runs) {
      if (r.provenance() != null) {
        r.provenance().forEach((k, v) -> {
          if (!k.startsWith("resumed.")) {
            values.computeIfAbsent(k, x -> new TreeMap<>()).merge(String.valueOf(v), 1, Integer::sum);
          }
        });
      }
    }
    List<List<Cell>> rows = new ArrayList<>();
    values.forEach((k, counts) -> {
      List<String> parts = new ArrayList<>();
      counts.forEach((v, n) -> parts.add(v + " (" + n + (n == 1 ? " run)" : " runs)")));
      rows.add(List.of(Cell.of(k), Cell.of(String.join("; ", parts))));
    });
    return new TextTable(List.of("Key", "Values (runs)"), 2, rows);
  }
}
