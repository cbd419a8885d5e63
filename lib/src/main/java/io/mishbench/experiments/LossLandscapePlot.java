package io.mishbench.experiments;

import io.mishbench.plot.Chart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A loss landscape as a PNG: a heat map of log(loss) (dark blue low, yellow high) with white contour
 * lines at {@link #LEVELS} losses evenly spaced in log scale between the grid's minimum and maximum,
 * drawn by marching squares; a cross marks the trained network (0, 0).
 */
public final class LossLandscapePlot {

  /** Contour levels drawn. */
  public static final int LEVELS = 12;

  private static final Color[] RAMP = {
    new Color(0x440154), new Color(0x3b528b), new Color(0x21918c), new Color(0x5ec962), new Color(0xfde725)
  };

  private LossLandscapePlot() {}

  /** The PNG bytes of {@code l}'s heat map with contours, titled {@code title}. */
  public static byte[] png(LossLandscape l, String title) {
    double[] as = l.as();
    int n = as.length;
    double h = (as[n - 1] - as[0]) / (n - 1);
    Chart chart = new Chart(as[0] - h / 2, as[n - 1] + h / 2, as[0] - h / 2, as[n - 1] + h / 2);
    var g = chart.graphics();
    double[][] logs = new double[n][n];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        double v = l.losses()[j][i];
        logs[j][i] = Double.isFinite(v) && v > 0 ? Math.log(v) : Double.NaN;
        if (Double.isFinite(logs[j][i])) {
          lo = Math.min(lo, logs[j][i]);
          hi = Math.max(hi, logs[j][i]);
        }
      }
    }
    double span = hi > lo ? hi - lo : 1;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        double x0 = chart.px(as[i] - h / 2);
        double x1 = chart.px(as[i] + h / 2);
        double y0 = chart.py(as[j] + h / 2);
        double y1 = chart.py(as[j] - h / 2);
        g.setColor(Double.isFinite(logs[j][i]) ? ramp((logs[j][i] - lo) / span) : Color.RED);
        g.fill(new Rectangle2D.Double(Math.floor(x0), Math.floor(y0), Math.ceil(x1) - Math.floor(x0) + 1,
            Math.ceil(y1) - Math.floor(y0) + 1));
      }
    }
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(1.2f));
    if (hi > lo) {
      for (int k = 1; k <= LEVELS; k++) {
        double level = lo + span * k / (LEVELS + 1);
        for (Line2D seg : contour(as, logs, level)) {
          g.draw(new Line2D.Double(chart.px(seg.getX1()), chart.py(seg.getY1()), chart.px(seg.getX2()),
              chart.py(seg.getY2())));
        }
      }
    }
    g.setColor(Color.RED);
    g.setStroke(new BasicStroke(2f));
    double cx = chart.px(0);
    double cy = chart.py(0);
    g.draw(new Line2D.Double(cx - 7, cy - 7, cx + 7, cy + 7));
    g.draw(new Line2D.Double(cx - 7, cy + 7, cx + 7, cy - 7));
    chart.xGrid("a (direction 1), b (direction 2) upwards");
    chart.yGrid();
    chart.frame(String.format(Locale.ROOT, "%s: loss %.3g at the centre (x), %.3g to %.3g; contours in log scale",
        title, l.trainedLoss(), Math.exp(lo), Math.exp(hi)));
    return chart.png();
  }

  /** Blue to yellow, {@code t} in [0, 1]. */
  static Color ramp(double t) {
    double x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
    int k = Math.min((int) x, RAMP.length - 2);
    double f = x - k;
    Color a = RAMP[k];
    Color b = RAMP[k + 1];
    return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
  }

  /**
   * The segments of the {@code level} contour of {@code v[j][i]} (at {@code (as[i], as[j])}), in data
   * units, by marching squares with linear interpolation along cell edges; a saddle cell is split by
   * its centre value. Cells with a non-finite corner are skipped.
   */
  static List<Line2D> contour(double[] as, double[][] v, double level) {
    List<Line2D> segments = new ArrayList<>();
    int n = as.length;
    for (int j = 0; j + 1 < n; j++) {
      for (int i = 0; i + 1 < n; i++) {
        // corners counter-clockwise from bottom-left: (i,j), (i+1,j), (i+1,j+1), (i,j+1)
        double[] c = {v[j][i], v[j][i + 1], v[j + 1][i + 1], v[j + 1][i]};
        double[][] xy = {{as[i], as[j]}, {as[i + 1], as[j]}, {as[i + 1], as[j + 1]}, {as[i], as[j + 1]}};
        if (!(Double.isFinite(c[0]) && Double.isFinite(c[1]) && Double.isFinite(c[2]) && Double.isFinite(c[3]))) {
          continue;
        }
        List<Point2D> cuts = new ArrayList<>(4);
        for (int e = 0; e < 4; e++) { // edge e runs from corner e to corner e+1
          double p = c[e];
          double q = c[(e + 1) % 4];
          if ((p >= level) != (q >= level)) {
            double t = (level - p) / (q - p);
            double[] a = xy[e];
            double[] b = xy[(e + 1) % 4];
            cuts.add(new Point2D.Double(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])));
          }
        }
        if (cuts.size() == 2) {
          segments.add(new Line2D.Double(cuts.get(0), cuts.get(1)));
        } else if (cuts.size() == 4) {
          // saddle: corners 0 and 2 on one side, 1 and 3 on the other; cut e lies on edge e. When the
          // centre is on the side of 0 and 2, they connect through it and 1 and 3 are cut off: (0,1), (2,3);
          // otherwise 0 and 2 are cut off: (3,0), (1,2)
          boolean centreAbove = (c[0] + c[1] + c[2] + c[3]) / 4 >= level;
          if (centreAbove == (c[0] >= level)) {
            segments.add(new Line2D.Double(cuts.get(0), cuts.get(1)));
            segments.add(new Line2D.Double(cuts.get(2), cuts.get(3)));
          } else {
            segments.add(new Line2D.Double(cuts.get(3), cuts.get(0)));
            segments.add(new Line2D.Double(cuts.get(1), cuts.get(2)));
          }
        }
      }
    }
    return segments;
  }
}
