package io.mishbench.activation;

import io.mishbench.plot.Chart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.util.List;

/**
 * Draws activations (solid) and their first derivatives (dashed) on one set of axes as a PNG, like
 * the first figure of the Mish paper. Plain Java2D ({@link Chart}), headless: no display and no
 * plotting library.
 */
public final class ActivationPlot {

  private ActivationPlot() {}

  /** The PNG bytes of a plot of {@code curves}, which must share their x range. */
  public static byte[] png(List<ActivationCurve> curves) {
    if (curves.isEmpty()) {
      throw new IllegalArgumentException("nothing to plot: no activation given");
    }
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (ActivationCurve c : curves) {
      for (int i = 0; i < c.x().length; i++) {
        x0 = Math.min(x0, c.x()[i]);
        x1 = Math.max(x1, c.x()[i]);
        for (double v : new double[] {c.f()[i], c.df()[i]}) {
          if (Double.isFinite(v)) {
            y0 = Math.min(y0, v);
            y1 = Math.max(y1, v);
          }
        }
      }
    }
    if (x1 <= x0) {
      x1 = x0 + 1;
    }
    double pad = Math.max(y1 - y0, 1e-9) * 0.05;
    Chart chart = new Chart(x0, x1, y0 - pad, y1 + pad);
    chart.xGrid("x");
    chart.yGrid();
    chart.frame("Activations (solid) and their first derivatives (dashed), " + curves.get(0).typeName());
    draw(chart, curves);
    return chart.png();
  }

  private static void draw(Chart chart, List<ActivationCurve> curves) {
    Graphics2D g = chart.graphics();
    Stroke solid = new BasicStroke(2.2f);
    Stroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {8, 6}, 0);
    for (int k = 0; k < curves.size(); k++) {
      ActivationCurve c = curves.get(k);
      g.setColor(Chart.PALETTE.get(k % Chart.PALETTE.size()));
      g.setStroke(solid);
      g.draw(chart.path(c.x(), c.f()));
      g.setStroke(dashed);
      g.draw(chart.path(c.x(), c.df()));
      // legend, top left inside the axes
      int ly = Chart.TOP + 22 + 22 * k;
      g.setStroke(solid);
      g.drawLine(Chart.LEFT + 14, ly, Chart.LEFT + 44, ly);
      g.setStroke(dashed);
      g.drawLine(Chart.LEFT + 50, ly, Chart.LEFT + 80, ly);
      g.setColor(Color.BLACK);
      g.drawString(c.name() + "  (f, f')", Chart.LEFT + 88, ly + 5);
    }
  }
}
