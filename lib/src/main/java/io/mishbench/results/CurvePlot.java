package io.mishbench.results;

import io.mishbench.plot.Chart;
import io.mishbench.results.ComparisonTable.Row;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code curves-<model>-<augmentation>.png}: validation top-1 (%) per epoch of every run of one row,
 * one colour per activation, one line (with a dot per evaluated epoch) per seed. Epochs without a
 * top-1 (not evaluated) are skipped; runs of any status are drawn.
 */
public final class CurvePlot {

  private CurvePlot() {}

  /** The file name of {@code row}'s plot; characters other than letters, digits, '.', '_' and '-' become '_'. */
  public static String fileName(Row row) {
    return ("curves-" + row.model() + "-" + row.augmentation() + ".png").replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * The PNG of {@code runs} (all of one row).
   *
   * @throws IllegalArgumentException when no run has an evaluated epoch
   */
  public static byte[] png(Row row, List<RunResult> runs) {
    List<RunResult> drawn = runs.stream().filter(r -> !points(r).isEmpty()).toList();
    if (drawn.isEmpty()) {
      throw new IllegalArgumentException("no evaluated epoch to plot for " + row);
    }
    List<String> acts = drawn.stream().map(RunResult::activation).distinct().sorted(ComparisonTable.COLUMN_ORDER).toList();
    double maxEpoch = 1;
    double lo = 100;
    double hi = 0;
    for (RunResult r : drawn) {
      for (double[] p : points(r)) {
        maxEpoch = Math.max(maxEpoch, p[0]);
        lo = Math.min(lo, p[1]);
        hi = Math.max(hi, p[1]);
      }
    }
    double pad = Math.max(hi - lo, 1) * 0.08;
    Chart chart = new Chart(0.5, maxEpoch + 0.5, Math.max(0, lo - pad), Math.min(100, hi + pad) + 1e-9);
    chart.xGrid("epoch", 1);
    chart.yGrid();
    chart.frame("Validation top-1 (%) per epoch: " + row.model() + ", augmentation " + row.augmentation());
    Graphics2D g = chart.graphics();
    g.setStroke(new BasicStroke(2f));
    for (RunResult r : drawn) {
      List<double[]> pts = points(r);
      double[] xs = pts.stream().mapToDouble(p -> p[0]).toArray();
      double[] ys = pts.stream().mapToDouble(p -> p[1]).toArray();
      g.setColor(ActivationColours.of(r.activation(), acts));
      g.draw(chart.path(xs, ys));
      for (int i = 0; i < xs.length; i++) {
        g.fill(new Ellipse2D.Double(chart.px(xs[i]) - 4, chart.py(ys[i]) - 4, 8, 8));
      }
    }
    legend(g, acts);
    return chart.png();
  }

  private static void legend(Graphics2D g, List<String> acts) {
    for (int k = 0; k < acts.size(); k++) {
      int y = Chart.TOP + 22 + 22 * k;
      g.setColor(ActivationColours.of(acts.get(k), acts));
      g.fillRect(Chart.LEFT + 14, y - 6, 30, 12);
      g.setColor(Color.BLACK);
      g.drawString(ComparisonTable.label(acts.get(k)) + " (one line per seed)", Chart.LEFT + 52, y + 5);
    }
  }

  /** (epoch, top-1 %) of every evaluated epoch. */
  private static List<double[]> points(RunResult r) {
    List<double[]> pts = new ArrayList<>();
    for (RunResult.EpochMetrics e : r.epochs() == null ? List.<RunResult.EpochMetrics>of() : r.epochs()) {
      if (e.top1() != null && Double.isFinite(e.top1())) {
        pts.add(new double[] {e.epoch(), 100 * e.top1()});
      }
    }
    return pts;
  }
}
