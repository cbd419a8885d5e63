package io.mishbench.experiments;

import io.mishbench.plot.Chart;
import io.mishbench.results.ActivationColours;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One line (with a dot per point) per activation over a shared x axis, as a PNG ({@link Chart}). */
public final class LinePlot {

  private LinePlot() {}

  /**
   * @param xs the x values, increasing
   * @param series activation -> y values (one per x; non-finite ones are skipped), in legend order
   * @param minXStep the smallest distance between x ticks (1 for whole numbers such as depths, else 0)
   */
  public static byte[] png(String title, String xLabel, double[] xs, Map<String, double[]> series, double minXStep) {
    if (xs.length == 0 || series.isEmpty()) {
      throw new IllegalArgumentException("nothing to plot for " + title);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] ys : series.values()) {
      for (double y : ys) {
        if (Double.isFinite(y)) {
          lo = Math.min(lo, y);
          hi = Math.max(hi, y);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    double pad = Math.max(hi - lo, 1e-3) * 0.08;
    double x0 = xs[0];
    double x1 = xs[xs.length - 1];
    double xpad = x1 > x0 ? (x1 - x0) * 0.03 : 0.5;
    Chart chart = new Chart(x0 - xpad, x1 + xpad, lo - pad, hi + pad);
    chart.xGrid(xLabel, minXStep);
    chart.yGrid();
    chart.frame(title);
    Graphics2D g = chart.graphics();
    g.setStroke(new BasicStroke(2f));
    List<String> acts = new ArrayList<>(series.keySet());
    for (String act : acts) {
      double[] ys = series.get(act);
      g.setColor(ActivationColours.of(act, acts));
      g.draw(chart.path(xs, ys));
      for (int i = 0; i < xs.length; i++) {
        if (Double.isFinite(ys[i])) {
          g.fill(new Ellipse2D.Double(chart.px(xs[i]) - 4, chart.py(ys[i]) - 4, 8, 8));
        }
      }
    }
    for (int k = 0; k < acts.size(); k++) {
      int y = Chart.TOP + 22 + 22 * k;
      g.setColor(ActivationColours.of(acts.get(k), acts));
      g.fillRect(Chart.WIDTH - Chart.RIGHT - 150, y - 6, 30, 12);
      g.setColor(Color.BLACK);
      g.drawString(acts.get(k), Chart.WIDTH - Chart.RIGHT - 112, y + 5);
    }
    return chart.png();
  }
}
