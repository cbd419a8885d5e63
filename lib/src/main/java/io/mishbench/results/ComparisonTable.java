package io.mishbench.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The comparison table in the Mish paper's layout: one row per model and augmentation, one column
 * group per activation with top-1 and top-5 validation accuracy in percent (mean, and standard
 * deviation over seeds when a cell has several runs). Only COMPLETE runs count.
 */
public final class ComparisonTable {

  /** Activation column order: the paper's (LReLU, Swish, Mish), then anything else by name. */
  private static final List<String> PREFERRED = List.of("leakyrelu", "swish", "mish", "relu");

  private final List<String> activations;
  private final Map<List<String>, Map<String, Stats>> rows;

  /** Accuracies of one (row, activation) cell. */
  public record Stats(int runs, double top1, double top1Std, double top5, double top5Std) {}

  private ComparisonTable(List<String> activations, Map<List<String>, Map<String, Stats>> rows) {
    this.activations = activations;
    this.rows = rows;
  }

  /** Builds the table from run records. */
  public static ComparisonTable of(List<RunResult> runs) {
    Map<List<String>, Map<String, List<RunResult>>> grouped = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
    List<String> acts = new ArrayList<>();
    for (RunResult r : runs) {
      if (r.status() != RunResult.Status.COMPLETE || r.top1() == null || r.top5() == null) {
        continue;
      }
      grouped.computeIfAbsent(List.of(r.model(), r.augmentation()), k -> new TreeMap<>())
          .computeIfAbsent(r.activation(), k -> new ArrayList<>())
          .add(r);
      if (!acts.contains(r.activation())) {
        acts.add(r.activation());
      }
    }
    acts.sort(Comparator.comparing((String a) -> rank(a)).thenComparing(a -> a));
    Map<List<String>, Map<String, Stats>> rows = new LinkedHashMap<>();
    grouped.forEach((row, byAct) -> {
      Map<String, Stats> cells = new TreeMap<>();
      byAct.forEach((act, rs) -> cells.put(act, stats(rs)));
      rows.put(row, cells);
    });
    return new ComparisonTable(acts, rows);
  }

  public List<String> activations() {
    return activations;
  }

  /** The cell of {@code model}, {@code augmentation}, {@code activation}, or null when no run completed. */
  public Stats cell(String model, String augmentation, String activation) {
    return rows.getOrDefault(List.of(model, augmentation), Map.of()).get(activation);
  }

  public int rowCount() {
    return rows.size();
  }

  /** GitHub-flavoured Markdown. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder("| Model | Augmentation |");
    StringBuilder rule = new StringBuilder("| --- | --- |");
    for (String a : activations) {
      sb.append(' ').append(label(a)).append(" top-1 | ").append(label(a)).append(" top-5 |");
      rule.append(" ---: | ---: |");
    }
    sb.append('\n').append(rule).append('\n');
    rows.forEach((row, cells) -> {
      sb.append("| ").append(row.get(0)).append(" | ").append(row.get(1)).append(" |");
      for (String a : activations) {
        Stats s = cells.get(a);
        sb.append(' ').append(s == null ? "-" : pct(s.top1(), s.top1Std(), s.runs())).append(" |");
        sb.append(' ').append(s == null ? "-" : pct(s.top5(), s.top5Std(), s.runs())).append(" |");
      }
      sb.append('\n');
    });
    return sb.toString();
  }

  /** CSV, accuracies in percent: model, augmentation, then per activation top1, top1_std, top5, top5_std, runs. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("model,augmentation");
    for (String a : activations) {
      String p = a.replace(':', '_');
      sb.append(',').append(p).append("_top1,").append(p).append("_top1_std,").append(p).append("_top5,")
          .append(p).append("_top5_std,").append(p).append("_runs");
    }
    sb.append('\n');
    rows.forEach((row, cells) -> {
      sb.append(row.get(0)).append(',').append(row.get(1));
      for (String a : activations) {
        Stats s = cells.get(a);
        if (s == null) {
          sb.append(",,,,,0");
        } else {
          sb.append(String.format(Locale.ROOT, ",%.2f,%.2f,%.2f,%.2f,%d",
              100 * s.top1(), 100 * s.top1Std(), 100 * s.top5(), 100 * s.top5Std(), s.runs()));
        }
      }
      sb.append('\n');
    });
    return sb.toString();
  }

  private static Stats stats(List<RunResult> rs) {
    double[] t1 = rs.stream().mapToDouble(RunResult::top1).toArray();
    double[] t5 = rs.stream().mapToDouble(RunResult::top5).toArray();
    return new Stats(rs.size(), mean(t1), std(t1), mean(t5), std(t5));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Sample standard deviation; 0 for a single run. */
  private static double std(double[] v) {
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  private static String pct(double mean, double std, int runs) {
    return runs > 1
        ? String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * std)
        : String.format(Locale.ROOT, "%.1f", 100 * mean);
  }

  private static int rank(String activation) {
    String family = activation.contains(":") ? activation.substring(0, activation.indexOf(':')) : activation;
    int i = PREFERRED.indexOf(family);
    return i < 0 ? PREFERRED.size() : i;
  }

  private static String label(String activation) {
    return switch (activation) {
      case "leakyrelu" -> "LReLU";
      case "swish" -> "Swish";
      case "mish" -> "Mish";
      case "relu" -> "ReLU";
      default -> activation.startsWith("leakyrelu:") ? "LReLU(" + activation.substring(10) + ")" : activation;
    };
  }
}
