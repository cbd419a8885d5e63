package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The output landscape of the random MLP 2-64-32-16-1: ReLU's is piecewise linear, Mish's is curved everywhere. */
class OutputLandscapeTest {

  private static final List<Integer> HIDDEN = List.of(64, 32, 16);
  private static final int POINTS = 2001;

  /** Second differences of the network's output along the line y = 0.37 x + 1.3, x in [0, 10]. */
  private static double[] secondDifferences(String activation) {
    MultiLayerNetwork net = OutputLandscape.network(activation, HIDDEN, 7);
    double[][] pts = new double[POINTS][2];
    for (int k = 0; k < POINTS; k++) {
      pts[k][0] = 10.0 * k / (POINTS - 1);
      pts[k][1] = 0.37 * pts[k][0] + 1.3;
    }
    double[] v = net.output(Nd4j.createFromArray(pts), false).reshape(POINTS).toDoubleVector();
    double[] d2 = new double[POINTS - 2];
    for (int k = 1; k < POINTS - 1; k++) {
      d2[k - 1] = v[k + 1] - 2 * v[k] + v[k - 1];
    }
    return d2;
  }

  /** How many second differences exceed 1e-9 of the largest one: kinks (or curvature). */
  private static int nonZero(double[] d2) {
    double scale = 0;
    for (double d : d2) {
      scale = Math.max(scale, Math.abs(d));
    }
    int count = 0;
    for (double d : d2) {
      if (Math.abs(d) > 1e-9 * scale) {
        count++;
      }
    }
    return count;
  }

  @Test
  void reluIsPiecewiseLinearAlongALineAndMishIsNot() {
    double[] relu = secondDifferences("relu");
    double[] mish = secondDifferences("mish");
    int reluKinks = nonZero(relu);
    int mishCurved = nonZero(mish);
    // ReLU: zero (to float64 rounding) except next to the points where a unit switches on or off (each
    // kink makes the two second differences around it non-zero): at most 5% of the line
    assertTrue(reluKinks > 0 && reluKinks <= 0.05 * relu.length, "relu: " + reluKinks + " of " + relu.length + " non-zero");
    // Mish: curved at (nearly) every point
    assertTrue(mishCurved >= 0.95 * mish.length, "mish: " + mishCurved + " of " + mish.length + " non-zero");
  }

  @Test
  void imageIsMinMaxScaledToTheFullGreyRange() throws Exception {
    for (String a : List.of("mish", "relu")) {
      OutputLandscape l = OutputLandscape.compute(a, HIDDEN, 3, 0, 10, 40);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(l.png()));
      assertEquals(40, img.getWidth());
      assertEquals(40, img.getHeight());
      Raster r = img.getRaster();
      int lo = 255;
      int hi = 0;
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          lo = Math.min(lo, r.getSample(x, y, 0));
          hi = Math.max(hi, r.getSample(x, y, 0));
        }
      }
      assertEquals(0, lo, a);
      assertEquals(255, hi, a);
      // y upwards: the grid's point (x = 0, y = 10) is the image's top-left pixel
      double[][] n = l.normalised();
      assertEquals(Math.round(n[39][0] * 255), r.getSample(0, 0, 0), a);
    }
  }

  @Test
  void gridIsExactAtTheEndsAndTheCsvIsStrided() {
    double[] xs = OutputLandscape.axis(-1, 1, 21);
    assertEquals(-1.0, xs[0], 0.0);
    assertEquals(0.0, xs[10], 0.0);
    assertEquals(1.0, xs[20], 0.0);
    OutputLandscape l = OutputLandscape.compute("swish", List.of(8), 1, 0, 10, 9);
    assertEquals(1 + 9 * 9, l.csv(1).lines().count());
    assertEquals(1 + 3 * 3, l.csv(4).lines().count());
    assertTrue(l.smoothness().meanAbsSecondDifference() > 0);
  }
}
