package io.mishbench.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * One chart on a white RGB canvas of {@link #WIDTH} x {@link #HEIGHT} pixels: a data rectangle
 * {@code [x0, x1] x [y0, y1]} inside fixed margins, with a grid of "nice" ticks, a frame and a title.
 * Callers draw their data through {@link #graphics()} using {@link #px}, {@link #py} and {@link #path},
 * then take the {@link #png()}. Headless: needs no display.
 */
public final class Chart {

  /** Canvas width in pixels. */
  public static final int WIDTH = 1000;
  /** Canvas height in pixels. */
  public static final int HEIGHT = 640;
  /** Margins of the data rectangle in pixels. */
  public static final int LEFT = 70;
  public static final int RIGHT = 24;
  public static final int TOP = 56;
  public static final int BOTTOM = 56;

  /** Line colours, in the order charts hand them out. */
  public static final List<Color> PALETTE = List.of(
      new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x7f7f7f),
      new Color(0x9467bd), new Color(0xff7f0e));

  private static final Color GRID = new Color(0xe6e6e6);

  private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
  private final Graphics2D g;
  private final double x0;
  private final double x1;
  private final double y0;
  private final double y1;

  /**
   * A blank chart showing {@code [x0, x1] x [y0, y1]} in data units.
   *
   * @throws IllegalArgumentException when a range is empty or not finite
   */
  public Chart(double x0, double x1, double y0, double y1) {
    if (!(x1 > x0) || !(y1 > y0) || !Double.isFinite(x1 - x0) || !Double.isFinite(y1 - y0)) {
      throw new IllegalArgumentException(
          "chart range must be finite and non-empty, got x [" + x0 + ", " + x1 + "], y [" + y0 + ", " + y1 + "]");
    }
    System.setProperty("java.awt.headless", "true");
    this.x0 = x0;
    this.x1 = x1;
    this.y0 = y0;
    this.y1 = y1;
    g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
  }

  /** The canvas to draw on (font: 13 pt sans serif unless changed). */
  public Graphics2D graphics() {
    return g;
  }

  /** The pixel column of data value {@code x}. */
  public double px(double x) {
    return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
  }

  /** The pixel row of data value {@code y}. */
  public double py(double y) {
    return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
  }

  /** A polyline through the points; a non-finite {@code y} lifts the pen. */
  public Path2D path(double[] xs, double[] ys) {
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

  /** Vertical grid lines with tick labels along x, and {@code xLabel} under the axis. */
  public void xGrid(String xLabel) {
    xGrid(xLabel, 0);
  }

  /**
   * Vertical grid lines at least {@code minStep} data units apart (1 for whole numbers such as epochs),
   * with tick labels, and {@code xLabel} under the axis.
   */
  public void xGrid(String xLabel, double minStep) {
    g.setStroke(new BasicStroke(1f));
    double step = Math.max(tick(x1 - x0), minStep);
    for (double x = Math.ceil(x0 / step) * step; x <= x1 + 1e-9 * step; x += step) {
      int p = (int) Math.round(px(x));
      g.setColor(Math.abs(x) < step / 2 ? Color.DARK_GRAY : GRID);
      g.drawLine(p, TOP, p, HEIGHT - BOTTOM);
      g.setColor(Color.BLACK);
      String label = label(x, step);
      g.drawString(label, p - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
    }
    g.setColor(Color.BLACK);
    g.drawString(xLabel, (WIDTH + LEFT) / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, HEIGHT - 14);
  }

  /** Horizontal grid lines with tick labels along y. */
  public void yGrid() {
    g.setStroke(new BasicStroke(1f));
    double step = tick(y1 - y0);
    for (double y = Math.ceil(y0 / step) * step; y <= y1 + 1e-9 * step; y += step) {
      int p = (int) Math.round(py(y));
      g.setColor(Math.abs(y) < step / 2 ? Color.DARK_GRAY : GRID);
      g.drawLine(LEFT, p, WIDTH - RIGHT, p);
      g.setColor(Color.BLACK);
      String label = label(y, step);
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), p + 5);
    }
  }

  /** The black frame around the data rectangle and a bold title above it. */
  public void frame(String title) {
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    Font font = g.getFont();
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, LEFT, TOP - 22);
    g.setFont(font);
  }

  /** The PNG bytes of the chart as drawn so far; the chart cannot be drawn on afterwards. */
  public byte[] png() {
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
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
