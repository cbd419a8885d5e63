package io.mishbench.activation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws activations (solid) and their first derivatives (dashed) on one set of axes as a PNG, like
 * the first figure of the Mish paper. Plain Java2D, headless: no display and no plotting library.
 */
public final class ActivationPlot {

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 640;
  private static final int LEFT = 70;
  private static final int RIGHT = 24;
  private static final int TOP = 56;
  private static final int BOTTOM = 56;

  private static final List<Color> PALETTE = List.of(
      new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x7f7f7f),
      new Color(0x9467bd), new Color(0xff7f0e));

  private ActivationPlot() {}

  /** The PNG bytes of a plot of {@code curves}, which must share their x range. */
  public static byte[] png(List<ActivationCurve> curves) {
    if (curves.isEmpty()) {
      throw new IllegalArgumentException("nothing to plot: no activation given");
    }
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      draw(g, curves);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void draw(Graphics2D g, List<ActivationCurve> curves) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);

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
    y0 -= pad;
    y1 += pad;
    Axes axes = new Axes(x0, x1, y0, y1);

    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    axes.grid(g);
    Stroke solid = new BasicStroke(2.2f);
    Stroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {8, 6}, 0);
    for (int k = 0; k < curves.size(); k++) {
      ActivationCurve c = curves.get(k);
      g.setColor(PALETTE.get(k % PALETTE.size()));
      g.setStroke(solid);
      g.draw(axes.path(c.x(), c.f()));
      g.setStroke(dashed);
      g.draw(axes.path(c.x(), c.df()));
      // legend, top left inside the axes
      int ly = TOP + 22 + 22 * k;
      g.setStroke(solid);
      g.drawLine(LEFT + 14, ly, LEFT + 44, ly);
      g.setStroke(dashed);
      g.drawLine(LEFT + 50, ly, LEFT + 80, ly);
      g.setColor(Color.BLACK);
      g.drawString(c.name() + "  (f, f')", LEFT + 88, ly + 5);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("Activations (solid) and their first derivatives (dashed), " + curves.get(0).typeName(), LEFT, TOP - 22);
  }

  /** Data-to-pixel mapping with "nice" ticks. */
  private record Axes(double x0, double x1, double y0, double y1) {

    double px(double x) {
      return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
    }

    double py(double y) {
      return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
    }

    Path2D path(double[] xs, double[] ys) {
      Path2D.Double p = new Path2D.Double();
      boolean pen = false;
      for (int i = 0; i < xs.length; i++) {
        if (!Double.isFinite(ys[i])) {
          pen = false;
          continue;
        }
        if (pen) {
          p.lineTo(px(xs[i]), py(ys[i]));
        } else {
          p.moveTo(px(xs[i]), py(ys[i]));
          pen = true;
        }
      }
      return p;
    }

    void grid(Graphics2D g) {
      g.setStroke(new BasicStroke(1f));
      double xs = tick(x1 - x0);
      for (double x = Math.ceil(x0 / xs) * xs; x <= x1 + 1e-9 * xs; x += xs) {
        int p = (int) Math.round(px(x));
        g.setColor(Math.abs(x) < xs / 2 ? Color.DARK_GRAY : new Color(0xe6e6e6));
        g.drawLine(p, TOP, p, HEIGHT - BOTTOM);
        g.setColor(Color.BLACK);
        String label = label(x, xs);
        g.drawString(label, p - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
      }
      double ys = tick(y1 - y0);
      for (double y = Math.ceil(y0 / ys) * ys; y <= y1 + 1e-9 * ys; y += ys) {
        int p = (int) Math.round(py(y));
        g.setColor(Math.abs(y) < ys / 2 ? Color.DARK_GRAY : new Color(0xe6e6e6));
        g.drawLine(LEFT, p, WIDTH - RIGHT, p);
        g.setColor(Color.BLACK);
        String label = label(y, ys);
        g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), p + 5);
      }
      g.setColor(Color.BLACK);
      g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
      g.drawString("x", (WIDTH + LEFT) / 2, HEIGHT - 14);
    }

    /** 1, 2 or 5 times a power of ten, giving about 8 ticks over {@code span}. */
    static double tick(double span) {
      double raw = span / 8;
      double power = Math.pow(10, Math.floor(Math.log10(raw)));
      double m = raw / power;
      return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
    }

    static String label(double v, double step) {
      int decimals = (int) Math.max(0, -Math.floor(Math.log10(step)));
      return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step / 2 ? 0.0 : v);
    }
  }
}
