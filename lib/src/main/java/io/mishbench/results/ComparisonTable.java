package io.mishbench.results;

import io.mishbench.results.TextTable.Cell;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The comparison table in the Mish paper's layout: one row per model and augmentation, one column
 * group per activation (LReLU, Swish, Mish, then others by name) with top-1 and top-5 validation
 * accuracy: mean and sample standard deviation over seeds and the number of seeds. Only COMPLETE runs
 * with a final top-1 and top-5 count. The best activation of a row is the one with the highest mean
 * top-1 (all of them on a tie).
 */
public final class ComparisonTable {

  /** Activation column order: the paper's (LReLU, Swish, Mish), then anything else by name. */
  private static final List<String> PREFERRED = List.of("leakyrelu", "swish", "mish", "relu");

  /** Orders activations as the table's column groups. */
  static final Comparator<String> COLUMN_ORDER =
      Comparator.comparing(ComparisonTable::rank).thenComparing(Comparator.naturalOrder());

  private final List<String> activations;
  private final Map<Row, Map<String, Stats>> rows;

  /** A row of the table. */
  public record Row(String model, String augmentation) implements Comparable<Row> {

    @Override
    public int compareTo(Row o) {
      int c = model.compareTo(o.model);
      return c != 0 ? c : augmentation.compareTo(o.augmentation);
    }
  }

  /**
   * Accuracies of one (row, activation) cell, as fractions in [0, 1].
   *
   * @param runs the number of COMPLETE runs (seeds)
   * @param top1Std sample standard deviation over the runs; NaN for a single run
   * @param top5Std likewise for top-5
   */
  public record Stats(int runs, double top1, double top1Std, double top5, double top5Std) {}

  private ComparisonTable(List<String> activations, Map<Row, Map<String, Stats>> rows) {
    this.activations = activations;
    this.rows = rows;
  }

  /** Builds the table from run records of any status. */
  public static ComparisonTable of(List<RunResult> runs) {
    Map<Row, Map<String, Map<Long, RunResult>>> grouped = new TreeMap<>();
    Set<String> acts = new TreeSet<>(COLUMN_ORDER);
    rows(runs).forEach((r, row) -> {
      // one run per seed: n counts seeds (a record copied under a second id counts once)
      grouped.computeIfAbsent(row, k -> new TreeMap<>())
          .computeIfAbsent(r.activation(), k -> new TreeMap<>())
          .merge(r.seed(), r, (a, b) -> String.valueOf(a.finishedAt()).compareTo(String.valueOf(b.finishedAt())) >= 0 ? a : b);
      acts.add(r.activation());
    });
    Map<Row, Map<String, Stats>> rows = new TreeMap<>();
    grouped.forEach((row, byAct) -> {
      Map<String, Stats> cells = new TreeMap<>();
      byAct.forEach((act, bySeed) -> cells.put(act, stats(List.copyOf(bySeed.values()))));
      rows.put(row, cells);
    });
    return new ComparisonTable(List.copyOf(acts), rows);
  }

  /**
   * The row of every run that counts ({@link #counts}). Runs of one model and augmentation whose
   * result-changing settings (run.json's {@code config}, apart from seed and activation) differ are
   * never pooled: each setting gets its own row, its augmentation followed by what differs, e.g.
   * {@code none [training.epochs=2]}.
   */
  static Map<RunResult, Row> rows(List<RunResult> runs) {
    Map<Row, Map<String, List<RunResult>>> bySettings = new TreeMap<>();
    for (RunResult r : runs) {
      if (counts(r)) {
        bySettings.computeIfAbsent(new Row(r.model(), r.augmentation()), k -> new TreeMap<>())
            .computeIfAbsent(settings(r).toString(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<RunResult, Row> rows = new LinkedHashMap<>();
    bySettings.forEach((row, groups) -> {
      if (groups.size() == 1) {
        groups.values().forEach(rs -> rs.forEach(r -> rows.put(r, row)));
        return;
      }
      Set<String> keys = new TreeSet<>();
      groups.values().forEach(rs -> keys.addAll(settings(rs.get(0)).keySet()));
      for (List<RunResult> rs : groups.values()) {
        Map<String, String> mine = settings(rs.get(0));
        List<String> differs = new ArrayList<>();
        for (String k : keys) {
          if (groups.values().stream().map(g -> settings(g.get(0)).get(k)).distinct().count() > 1) {
            differs.add(k + "=" + mine.get(k));
          }
        }
        String label = String.join(", ", differs);
        Row variant = new Row(row.model(), row.augmentation() + " [" + (label.length() > 120
            ? label.substring(0, 117) + "..." : label) + "]");
        rs.forEach(r -> rows.put(r, variant));
      }
    });
    return rows;
  }

  /** A run's result-changing settings but its seed and activation, as text, sorted by key. */
  private static Map<String, String> settings(RunResult r) {
    Map<String, String> s = new TreeMap<>();
    if (r.config() != null) {
      r.config().forEach((k, v) -> {
        if (!k.equals("seed") && !k.equals("activation")) {
          s.put(k, String.valueOf(v));
        }
      });
    }
    return s;
  }

  /** Whether {@code r} enters the table: COMPLETE with a final top-1 and top-5. */
  static boolean counts(RunResult r) {
    return r.status() == RunResult.Status.COMPLETE && r.top1() != null && r.top5() != null;
  }

  /** The activations with at least one cell, in column order. */
  public List<String> activations() {
    return activations;
  }

  /** The rows, sorted by model, then augmentation. */
  public List<Row> rows() {
    return List.copyOf(rows.keySet());
  }

  public int rowCount() {
    return rows.size();
  }

  /** The cell of {@code row} and {@code activation}, or null when no run completed there. */
  public Stats cell(Row row, String activation) {
    return rows.getOrDefault(row, Map.of()).get(activation);
  }

  /** The cell of {@code model}, {@code augmentation}, {@code activation}, or null when no run completed. */
  public Stats cell(String model, String augmentation, String activation) {
    return cell(new Row(model, augmentation), activation);
  }

  /** The activations of {@code row} with the highest mean top-1 (several only on an exact tie). */
  public Set<String> best(Row row) {
    Map<String, Stats> cells = rows.getOrDefault(row, Map.of());
    double max = cells.values().stream().mapToDouble(Stats::top1).max().orElse(Double.NaN);
    Set<String> best = new TreeSet<>();
    cells.forEach((act, s) -> {
      if (s.top1() == max) {
        best.add(act);
      }
    });
    return best;
  }

  /** The table as text cells in percent, e.g. {@code 78.3 ± 0.4 (3)}, {@code -} for no run, the best top-1 bold. */
  public TextTable text() {
    List<String> header = new ArrayList<>(List.of("Model", "Augmentation"));
    for (String a : activations) {
      header.add(label(a) + " top-1");
      header.add(label(a) + " top-5");
    }
    List<List<Cell>> lines = new ArrayList<>();
    rows.forEach((row, cells) -> {
      Set<String> best = best(row);
      List<Cell> line = new ArrayList<>(List.of(Cell.of(row.model()), Cell.of(row.augmentation())));
      for (String a : activations) {
        Stats s = cells.get(a);
        line.add(new Cell(s == null ? "-" : percent(s.top1(), s.top1Std(), s.runs()), best.contains(a)));
        line.add(new Cell(s == null ? "-" : percent(s.top5(), s.top5Std(), s.runs()), false));
      }
      lines.add(line);
    });
    return new TextTable(header, 2, lines);
  }

  /** GitHub-flavoured Markdown, the top-1 cell of each row's best activation in bold. */
  public String toMarkdown() {
    return text().toMarkdown();
  }

  /**
   * CSV, accuracies in percent with two decimals: model, augmentation, then per activation
   * {@code <a>_top1, <a>_top1_std, <a>_top5, <a>_top5_std, <a>_runs} (std empty for a single run,
   * everything but runs = 0 empty for no run), then {@code best}: the best activations, ';'-separated.
   */
  public String toCsv() {
    List<String> header = new ArrayList<>(List.of("model", "augmentation"));
    for (String a : activations) {
      String p = a.replace(':', '_');
      header.addAll(List.of(p + "_top1", p + "_top1_std", p + "_top5", p + "_top5_std", p + "_runs"));
    }
    header.add("best");
    StringBuilder sb = new StringBuilder(Csv.line(header));
    rows.forEach((row, cells) -> {
      List<Object> line = new ArrayList<>(List.of(row.model(), row.augmentation()));
      for (String a : activations) {
        Stats s = cells.get(a);
        if (s == null) {
          line.addAll(List.of("", "", "", "", 0));
        } else {
          line.addAll(List.of(num(s.top1()), num(s.top1Std()), num(s.top5()), num(s.top5Std()), s.runs()));
        }
      }
      line.add(String.join(";", best(row)));
      sb.append(Csv.line(line));
    });
    return sb.toString();
  }

  /** A plain LaTeX tabular of {@link #text()}. */
  public String toLatex() {
    return text().toLatex();
  }

  /** The paper's column label of an activation: LReLU, Swish, Mish, ReLU, LReLU(0.2), else the name. */
  public static String label(String activation) {
    return switch (activation) {
      case "leakyrelu" -> "LReLU";
      case "swish" -> "Swish";
      case "mish" -> "Mish";
      case "relu" -> "ReLU";
      default -> activation.startsWith("leakyrelu:") ? "LReLU(" + activation.substring(10) + ")" : activation;
    };
  }

  /** {@code mean ± std (n)} in percent with one decimal; {@code mean (1)} for a single run. */
  static String percent(double mean, double std, int runs) {
    return runs > 1
        ? String.format(Locale.ROOT, "%.1f ± %.1f (%d)", 100 * mean, 100 * std, runs)
        : String.format(Locale.ROOT, "%.1f (%d)", 100 * mean, runs);
  }

  private static String num(double fraction) {
    return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
  }

  private static Stats stats(List<RunResult> rs) {
    double[] t1 = rs.stream().mapToDouble(RunResult::top1).toArray();
    double[] t5 = rs.stream().mapToDouble(RunResult::top5).toArray();
    return new Stats(rs.size(), Samples.mean(t1), Samples.std(t1), Samples.mean(t5), Samples.std(t5));
  }

  private static int rank(String activation) {
    String family = activation.contains(":") ? activation.substring(0, activation.indexOf(':')) : activation;
    int i = PREFERRED.indexOf(family);
    return i < 0 ? PREFERRED.size() : i;
  }
}
