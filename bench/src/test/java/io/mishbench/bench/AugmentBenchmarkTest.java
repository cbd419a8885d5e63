package io.mishbench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.AugmentSettings;
import io.mishbench.data.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The data benchmark's decoder keeps R, G, B in order; a tiny run times every step. */
class AugmentBenchmarkTest {

  private static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  void decodeRgbReadsPixelsInRgbOrder() throws Exception {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xFF0000);
    img.setRGB(1, 0, 0x00FF00);
    img.setRGB(2, 0, 0x0000FF);
    img.setRGB(0, 1, 0x102030);
    Pixels p = AugmentBenchmark.decodeRgb(png(img));
    assertEquals(3, p.channels());
    assertEquals(255, p.get(0, 0, 0));
    assertEquals(0, p.get(0, 0, 1));
    assertEquals(255, p.get(1, 0, 1));
    assertEquals(255, p.get(2, 0, 2));
    assertEquals(0x10, p.get(0, 1, 0));
    assertEquals(0x20, p.get(0, 1, 1));
    assertEquals(0x30, p.get(0, 1, 2));

    BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 1, 0, 200);
    Pixels g = AugmentBenchmark.decodeRgb(png(grey));
    assertEquals(1, g.channels());
    assertEquals(200, g.get(1, 1, 0));

    assertThrows(UncheckedIOException.class, () -> AugmentBenchmark.decodeRgb(new byte[] {1, 2, 3}));
  }

  @Test
  void jpegOfTheSyntheticImageDecodesCloseToIt() {
    BufferedImage img = AugmentBenchmark.synthetic(64, 48, new SplittableRandom(1));
    Pixels p = AugmentBenchmark.decodeRgb(AugmentBenchmark.jpeg(img, 0.95f));
    double err = 0;
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        int rgb = img.getRGB(x, y);
        err += Math.abs(((rgb >> 16) & 0xFF) - p.get(x, y, 0)) + Math.abs((rgb & 0xFF) - p.get(x, y, 2));
      }
    }
    assertTrue(err / (64 * 48 * 2) < 8, "JPEG quality 95 stays close, mean error " + err / (64 * 48 * 2));
  }

  @Test
  void aTinyRunTimesEveryStep() {
    AugmentBenchmark.Result r = AugmentBenchmark.run(AugmentSettings.PAPER, 16, 5, 2, 10, 24, 1);
    assertEquals(5, r.images());
    assertEquals(32, r.sourceWidth());
    assertTrue(r.decodeMsPerImage() > 0 && r.augmentMsPerImage() > 0 && r.batchMsPerImage() > 0, r.toString());
    assertEquals(1000 / r.totalMsPerImage(), r.imagesPerSecPerCore(), 1e-9);
  }
}
