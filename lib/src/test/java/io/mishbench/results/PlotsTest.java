package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.plot.Chart;
import io.mishbench.results.ComparisonTable.Row;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlotsTest {

  private static final Row ROW = new Row("resnet20", "none");

  static BufferedImage decode(byte[] png) throws IOException {
    assertEquals(0x89, png[0] & 0xff, "PNG signature");
    assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(Chart.WIDTH, image.getWidth());
    assertEquals(Chart.HEIGHT, image.getHeight());
    return image;
  }

  static boolean has(BufferedImage image, Color colour) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void curvesDrawOneColourPerActivation() throws IOException {
    BufferedImage image = decode(CurvePlot.png(ROW, List.of(
        Runs.complete("resnet20", "mish", "none", 1, 0.6, 0.9, 3),
        Runs.complete("resnet20", "mish", "none", 2, 0.62, 0.9, 3),
        Runs.complete("resnet20", "leakyrelu", "none", 1, 0.55, 0.9, 3))));
    assertTrue(has(image, ActivationColours.MISH), "a Mish line");
    assertTrue(has(image, ActivationColours.LEAKYRELU), "a LReLU line");
    assertFalse(has(image, ActivationColours.SWISH), "no Swish run, no Swish colour");
  }

  @Test
  void aRunWithoutEvaluatedEpochsCannotBePlottedAlone() {
    RunResult none = RunResult.of("x", RunResult.Status.RUNNING, "resnet20", "mish", "none", 1, null, null);
    assertEquals("no evaluated epoch to plot for Row[model=resnet20, augmentation=none]",
        assertThrows(IllegalArgumentException.class, () -> CurvePlot.png(ROW, List.of(none))).getMessage());
  }

  @Test
  void barsHaveActivationColoursAndBlackErrorBars() throws IOException {
    ComparisonTable t = ComparisonTable.of(List.of(
        Runs.complete("resnet20", "mish", "none", 1, 0.6, 0.9, 1),
        Runs.complete("resnet20", "mish", "none", 2, 0.7, 0.9, 1),
        Runs.complete("resnet20", "swish", "none", 1, 0.65, 0.9, 1)));
    BufferedImage image = decode(BarPlot.png(t));
    assertTrue(has(image, ActivationColours.MISH));
    assertTrue(has(image, ActivationColours.SWISH));
    // the Mish bar (mean 65 %, std 7.07 %): above its top, in its middle column, the dark error bar
    int mishRgb = ActivationColours.MISH.getRGB() & 0xffffff;
    int base = Chart.HEIGHT - Chart.BOTTOM - 3;
    int left = Chart.LEFT;
    while (left < Chart.WIDTH && (image.getRGB(left, base) & 0xffffff) != mishRgb) {
      left++;
    }
    int right = left;
    while ((image.getRGB(right + 1, base) & 0xffffff) == mishRgb) {
      right++;
    }
    assertTrue(left < Chart.WIDTH - Chart.RIGHT && right - left > 20, "a Mish bar on the x axis, " + left + ".." + right);
    int mid = (left + right) / 2;
    int top = base;
    while ((image.getRGB(mid, top - 1) & 0xffffff) == mishRgb) {
      top--;
    }
    boolean dark = false;
    for (int y = top - 3; y > Chart.TOP && !dark; y--) {
      Color c = new Color(image.getRGB(mid, y));
      dark = c.getRed() < 100 && c.getGreen() < 100 && c.getBlue() < 100;
    }
    assertTrue(dark, "an error bar above the Mish bar, whose top is at row " + top);
  }

  @Test
  void fileNamesAreSafe() {
    assertEquals("curves-resnet20-none.png", CurvePlot.fileName(ROW));
    assertEquals("curves-a_b-c_d.png", CurvePlot.fileName(new Row("a/b", "c d")));
  }
}
