package io.mishbench.results;

import io.mishbench.results.ComparisonTable.Row;
import io.mishbench.results.TextTable.Cell;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mish against each baseline (LReLU, Swish) per row, paired by seed: for every seed where both
 * activations have a COMPLETE run, the difference of their top-1 accuracies in percentage points;
 * then the mean difference and a 95% confidence interval from Student's t with n - 1 degrees of
 * freedom. A seed with several COMPLETE runs of one cell (different settings) counts with their mean.
 */
public final class PairedDifferences {

  /** The activation compared against the baselines. */
  public static final String SUBJECT = "mish";

  /** The baselines, in column order. */
  public static final List<String> BASELINES = List.of("leakyrelu", "swish");

  /** Confidence level of the intervals. */
  public static final double LEVEL = 0.95;

  private final List<Difference> differences;

  /**
   * One comparison.
   *
   * @param row model and augmentation
   * @param baseline the activation Mish is compared with
   * @param pairs the number of seeds both have COMPLETE
   * @param mean mean of Mish minus baseline top-1, in percentage points
   * @param lower lower end of the 95% interval in percentage points; NaN for a single pair
   * @param upper upper end, likewise
   */
  public record Difference(Row row, String baseline, int pairs, double mean, double lower, double upper) {}

  private PairedDifferences(List<Difference> differences) {
    this.differences = differences;
  }

  /** The differences of every row where Mish and a baseline share at least one seed. */
  public static PairedDifferences of(List<RunResult> runs) {
    Map<Row, Map<String, Map<Long, List<Double>>>> top1 = new TreeMap<>();
    ComparisonTable.rows(runs).forEach((r, row) -> // rows never pool runs of different settings
        top1.computeIfAbsent(row, k -> new TreeMap<>())
            .computeIfAbsent(r.activation(), k -> new TreeMap<>())
            .computeIfAbsent(r.seed(), k -> new ArrayList<>())
            .add(r.top1()));
    List<Difference> out = new ArrayList<>();
    top1.forEach((row, byAct) -> {
      Map<Long, List<Double>> subject = byAct.get(SUBJECT);
      for (String baseline : BASELINES) {
        Map<Long, List<Double>> base = byAct.get(baseline);
        if (subject == null || base == null) {
          continue;
        }
        double[] d = subject.keySet().stream().filter(base::containsKey)
            .mapToDouble(seed -> 100 * (mean(subject.get(seed)) - mean(base.get(seed))))
            .toArray();
        if (d.length > 0) {
          out.add(difference(row, baseline, d));
        }
      }
    });
    return new PairedDifferences(List.copyOf(out));
  }

  /** The mean and interval of paired differences {@code d} (percentage points). */
  static Difference difference(Row row, String baseline, double[] d) {
    double mean = Samples.mean(d);
    if (d.length < 2) {
      return new Difference(row, baseline, d.length, mean, Double.NaN, Double.NaN);
    }
    double half = StudentT.quantile(1 - (1 - LEVEL) / 2, d.length - 1) * Samples.std(d) / Math.sqrt(d.length);
    return new Difference(row, baseline, d.length, mean, mean - half, mean + half);
  }

  public List<Difference> differences() {
    return differences;
  }

  /** As text: Model, Augmentation, Comparison, n pairs, mean and 95% CI in percentage points. */
  public TextTable text() {
    List<List<Cell>> rows = new ArrayList<>();
    for (Difference d : differences) {
      String ci = Double.isNaN(d.lower()) ? "-" : String.format(Locale.ROOT, "[%+.2f, %+.2f]", d.lower(), d.upper());
      rows.add(List.of(Cell.of(d.row().model()), Cell.of(d.row().augmentation()),
          Cell.of("Mish − " + ComparisonTable.label(d.baseline())), Cell.of(String.valueOf(d.pairs())),
          Cell.of(String.format(Locale.ROOT, "%+.2f", d.mean())), Cell.of(ci)));
    }
    return new TextTable(
        List.of("Model", "Augmentation", "Comparison", "n pairs", "Mean top-1 difference (pp)", "95% CI (pp)"), 3, rows);
  }

  /** Markdown of {@link #text()}, or a sentence when no row has pairs. */
  public String toMarkdown() {
    return differences.isEmpty()
        ? "No row has COMPLETE Mish and LReLU or Swish runs with a common seed.\n"
        : text().toMarkdown();
  }

  /**
   * CSV: model, augmentation, baseline, pairs, mean_diff_pp, ci_low_pp, ci_high_pp (the interval
   * empty for a single pair).
   */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(
        Csv.line(List.of("model", "augmentation", "baseline", "pairs", "mean_diff_pp", "ci_low_pp", "ci_high_pp")));
    for (Difference d : differences) {
      sb.append(Csv.line(List.of(d.row().model(), d.row().augmentation(), d.baseline(), d.pairs(), fmt(d.mean()),
          fmt(d.lower()), fmt(d.upper()))));
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static double mean(List<Double> v) {
    return Samples.mean(v.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
