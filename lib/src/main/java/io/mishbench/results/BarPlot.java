package io.mishbench.results;

import io.mishbench.plot.Chart;
import io.mishbench.results.ComparisonTable.Row;
import io.mishbench.results.ComparisonTable.Stats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.util.List;

/**
 * {@code bars.png}: mean validation top-1 (%) per row (a group of bars) and activation (a bar in its
 * colour), with error bars of plus and minus one sample standard deviation where a cell has several
 * seeds.
 */
public final class BarPlot {

  public static final String FILE = "bars.png";

  private BarPlot() {}

  /**
   * The PNG of {@code table}'s top-1 cells.
   *
   * @throws IllegalArgumentException when the table has no row
   */
  public static byte[] png(ComparisonTable table) {
    List<Row> rows = table.rows();
    List<String> acts = table.activations();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no complete run to plot: the comparison table is empty");
    }
    double top = 0;
    for (Row row : rows) {
      for (String a : acts) {
        Stats s = table.cell(row, a);
        if (s != null) {
          top = Math.max(top, 100 * (s.top1() + (Double.isNaN(s.top1Std()) ? 0 : s.top1Std())));
        }
      }
    }
    Chart chart = new Chart(0, rows.size(), 0, Math.min(100, top * 1.15 + 1));
    chart.yGrid();
    chart.frame("Mean validation top-1 (%) over seeds, error bars ±1 std");
    Graphics2D g = chart.graphics();
    double slot = 0.8 / acts.size();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      for (int k = 0; k < acts.size(); k++) {
        Stats s = table.cell(row, acts.get(k));
        if (s != null) {
          bar(chart, g, i + 0.1 + k * slot, slot, s, ActivationColours.of(acts.get(k), acts));
        }
      }
      g.setColor(Color.BLACK);
      String label = row.model() + " / " + row.augmentation();
      g.drawString(label, (float) (chart.px(i + 0.5) - g.getFontMetrics().stringWidth(label) / 2.0),
          Chart.HEIGHT - Chart.BOTTOM + 18);
    }
    for (int k = 0; k < acts.size(); k++) {
      int x = Chart.WIDTH - Chart.RIGHT - 150;
      int y = Chart.TOP + 22 + 22 * k;
      g.setColor(ActivationColours.of(acts.get(k), acts));
      g.fillRect(x, y - 6, 30, 12);
      g.setColor(Color.BLACK);
      g.drawString(ComparisonTable.label(acts.get(k)), x + 38, y + 5);
    }
    return chart.png();
  }

  private static void bar(Chart chart, Graphics2D g, double x, double width, Stats s, Color colour) {
    double mean = 100 * s.top1();
    int left = (int) Math.round(chart.px(x));
    int right = (int) Math.round(chart.px(x + width * 0.9));
    int yTop = (int) Math.round(chart.py(mean));
    g.setColor(colour);
    g.fillRect(left, yTop, right - left, (int) Math.round(chart.py(0)) - yTop);
    if (!Double.isNaN(s.top1Std())) {
      int mid = (left + right) / 2;
      int hi = (int) Math.round(chart.py(mean + 100 * s.top1Std()));
      int lo = (int) Math.round(chart.py(mean - 100 * s.top1Std()));
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1.5f));
      g.drawLine(mid, hi, mid, lo);
      g.drawLine(mid - 6, hi, mid + 6, hi);
      g.drawLine(mid - 6, lo, mid + 6, lo);
    }
  }
}
