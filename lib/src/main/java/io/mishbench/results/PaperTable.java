package io.mishbench.results;

import io.mishbench.results.ComparisonTable.Row;
import io.mishbench.results.ComparisonTable.Stats;
import io.mishbench.results.TextTable.Cell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Mish paper's published ImageNet-1k table ({@code /paper-table.csv}, source cited there) and the
 * measured table beside it: for each measured row whose model the paper reports, one line per
 * activation of the paper's three (LReLU, Swish, Mish) with published and measured top-1/top-5 in %.
 */
public final class PaperTable {

  /** The resource holding the published table. */
  public static final String RESOURCE = "/paper-table.csv";

  /** The paper's activations, in its column order. */
  private static final List<String> ACTIVATIONS = List.of("leakyrelu", "swish", "mish");

  /** A published cell, in percent. */
  public record Published(double top1, double top5) {}

  private final Map<Row, Map<String, Published>> cells;

  private PaperTable(Map<Row, Map<String, Published>> cells) {
    this.cells = cells;
  }

  /** The table from the resource. */
  public static PaperTable load() {
    try (InputStream in = PaperTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /** Parses {@code model,augmentation,activation,top1,top5} lines ('#' comments and the header skipped). */
  static PaperTable parse(String csv) {
    Map<Row, Map<String, Published>> cells = new TreeMap<>();
    for (String line : csv.lines().map(String::strip).toList()) {
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("model,")) {
        continue;
      }
      String[] f = line.split(",");
      if (f.length != 5) {
        throw new IllegalArgumentException("paper table line needs 5 fields, got '" + line + "'");
      }
      cells.computeIfAbsent(new Row(f[0], f[1]), k -> new TreeMap<>())
          .put(f[2], new Published(Double.parseDouble(f[3]), Double.parseDouble(f[4])));
    }
    return new PaperTable(cells);
  }

  /** The published cell of {@code row} and {@code activation}, or null when the paper has none. */
  public Published cell(Row row, String activation) {
    return cells.getOrDefault(row, Map.of()).get(activation);
  }

  /** The models the paper reports. */
  public Set<String> models() {
    Set<String> models = new TreeSet<>();
    cells.keySet().forEach(r -> models.add(r.model()));
    return models;
  }

  /**
   * Published beside measured, for the measured rows whose model the paper reports: one line per
   * activation of the paper's three and per paper row of the same model and augmentation, or, when
   * the paper has the model only with another augmentation, per paper row of the model (its
   * augmentation is shown); '-' where either side has no number.
   */
  public TextTable beside(ComparisonTable measured) {
    List<List<Cell>> lines = new ArrayList<>();
    for (Row row : measured.rows()) {
      for (Row paperRow : paperRows(row)) {
        for (String a : ACTIVATIONS) {
          Published p = cell(paperRow, a);
          Stats s = measured.cell(row, a);
          lines.add(List.of(Cell.of(row.model()), Cell.of(row.augmentation()), Cell.of(ComparisonTable.label(a)),
              Cell.of(paperRow.augmentation()),
              Cell.of(p == null ? "-" : fmt(p.top1())),
              Cell.of(s == null ? "-" : ComparisonTable.percent(s.top1(), s.top1Std(), s.runs())),
              Cell.of(p == null ? "-" : fmt(p.top5())),
              Cell.of(s == null ? "-" : ComparisonTable.percent(s.top5(), s.top5Std(), s.runs()))));
        }
      }
    }
    return new TextTable(List.of("Model", "Augmentation", "Activation", "Paper augmentation", "Paper top-1",
        "Measured top-1", "Paper top-5", "Measured top-5"), 4, lines);
  }

  /** The paper's row of {@code measured}'s model and augmentation; else every paper row of the model. */
  private List<Row> paperRows(Row measured) {
    if (cells.containsKey(measured)) {
      return List.of(measured);
    }
    return cells.keySet().stream().filter(r -> r.model().equals(measured.model())).toList();
  }

  /** paper-comparison.md: a heading, the source, and {@link #beside} (or a sentence when no row matches). */
  public String toMarkdown(ComparisonTable measured) {
    TextTable t = beside(measured);
    String intro = "# Published (Misra, Mish, BMVC 2020, ImageNet-1k) beside measured\n\n"
        + "Top-1/top-5 validation accuracy in %; measured as mean ± std (seeds). Augmentation `paper` is the"
        + " paper's CutMix + Mosaic + label smoothing, `none` none.\n\n";
    return intro + (t.rows().isEmpty()
        ? "No measured model appears in the paper's table (" + String.join(", ", models()) + ").\n"
        : t.toMarkdown());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
