package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.ImageAugmenter.Crop;
import io.mishbench.data.ImageAugmenter.Jitter;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/** Per-image augmentation: exact crops and resizes, flip, jitter, ranges of the random draws, seeding. */
class ImageAugmenterTest {

  /** A width x height image whose channel c at (x, y) is {@code value(x, y) + 60 c}, clamped to a byte. */
  static Pixels image(int width, int height, int channels, IntBinaryOperator value) {
    byte[] d = new byte[width * height * channels];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          d[(y * width + x) * channels + c] = (byte) Math.min(255, value.applyAsInt(x, y) + 60 * c);
        }
      }
    }
    return new Pixels(width, height, channels, d);
  }

  /** Smooth colours plus noise, a stand-in for a photograph. */
  static Pixels natural(int width, int height, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] d = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          double v = 120 + 80 * Math.sin(x * 0.05 * (c + 1) + y * 0.03) + r.nextInt(-20, 21);
          d[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return new Pixels(width, height, 3, d);
  }

  private static float at(float[] chw, int res, int c, int x, int y) {
    return chw[c * res * res + y * res + x];
  }

  @Test
  void equalSeedsGiveEqualImagesAndOtherSeedsDiffer() {
    ImageAugmenter aug = new ImageAugmenter(AugmentSettings.PAPER);
    Pixels src = natural(96, 72, 3);
    float[] a = aug.train(src, 32, new SplittableRandom(42));
    float[] b = aug.train(src, 32, new SplittableRandom(42));
    float[] c = aug.train(src, 32, new SplittableRandom(43));
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c), "a different seed must give a different view");
    assertEquals(3 * 32 * 32, a.length);
    for (float v : a) {
      assertTrue(v >= 0 && v <= 1, "value outside [0, 1]: " + v);
    }
  }

  @Test
  void evalCentreCropsAKnownImageExactly() {
    // 6x4 colour: the shorter side is already 4, so eval(4) keeps columns 1..4 untouched
    Pixels wide = image(6, 4, 3, (x, y) -> 10 * x + 3 * y);
    float[] out = new ImageAugmenter(AugmentSettings.NONE).eval(wide, 4);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(wide.get(x + 1, y, c) / 255f, at(out, 4, c, x, y), 1e-6, "c" + c + " x" + x + " y" + y);
        }
      }
    }
    // 4x7 grey: rows 1..4 (offset (7 - 4) / 2)
    Pixels tall = image(4, 7, 1, (x, y) -> 7 * x + 30 * y);
    float[] grey = new ImageAugmenter(AugmentSettings.NONE).eval(tall, 4);
    assertEquals(16, grey.length);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(tall.get(x, y + 1, 0) / 255f, at(grey, 4, 0, x, y), 1e-6);
      }
    }
  }

  @Test
  void bilinearResizeKeepsARampLinear() {
    // up 12 -> 24: output i samples source coordinate (i + 0.5) / 2 - 0.5 (pixel centres)
    Pixels ramp = image(12, 12, 1, (x, y) -> 10 * x);
    float[] up = new ImageAugmenter(AugmentSettings.NONE).eval(ramp, 24);
    for (int x = 1; x < 23; x++) {
      assertEquals((5 * x - 2.5) / 255, at(up, 24, 0, x, 7), 1e-5, "x " + x);
    }
    // down 48 -> 24: the widened triangle averages 4 pixels around source coordinate 2i + 0.5
    Pixels fine = image(48, 48, 1, (x, y) -> 4 * x);
    float[] down = new ImageAugmenter(AugmentSettings.NONE).eval(fine, 24);
    for (int x = 1; x < 23; x++) {
      assertEquals((8 * x + 2) / 255.0, at(down, 24, 0, x, 9), 1e-5, "x " + x);
    }
    // a flat image stays flat at any scale
    Pixels flat = image(37, 23, 3, (x, y) -> 77);
    float[] f = new ImageAugmenter(AugmentSettings.NONE).eval(flat, 16);
    for (int i = 0; i < 16 * 16; i++) {
      assertEquals(77 / 255f, f[i], 1e-6);
      assertEquals(197 / 255f, f[2 * 256 + i], 1e-6);
    }
  }

  @Test
  void fullSquareCropWithoutFlipOrJitterReproducesTheResizedImage() {
    AugmentSettings whole = AugmentSettings.BASIC.toBuilder().cropScale(1, 1).cropAspect(1, 1).flip(0).build();
    Pixels src = natural(40, 40, 9);
    ImageAugmenter aug = new ImageAugmenter(whole);
    assertArrayEquals(aug.eval(src, 24), aug.train(src, 24, new SplittableRandom(5)));
    // and at the image's own size it is the pixels themselves
    float[] same = aug.train(src, 40, new SplittableRandom(6));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          assertEquals(src.get(x, y, c) / 255f, at(same, 40, c, x, y), 1e-6);
        }
      }
    }
  }

  @Test
  void flipReversesColumns() {
    AugmentSettings noFlip = AugmentSettings.BASIC.toBuilder().flip(0).build();
    AugmentSettings alwaysFlip = AugmentSettings.BASIC.toBuilder().flip(1).build();
    Pixels src = natural(50, 30, 11);
    for (long seed = 0; seed < 5; seed++) {
      float[] a = new ImageAugmenter(noFlip).train(src, 20, new SplittableRandom(seed));
      float[] b = new ImageAugmenter(alwaysFlip).train(src, 20, new SplittableRandom(seed));
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 20; y++) {
          for (int x = 0; x < 20; x++) {
            assertEquals(at(a, 20, c, x, y), at(b, 20, c, 19 - x, y), "seed " + seed);
          }
        }
      }
    }
  }

  @Test
  void neutralJitterIsTheIdentity() {
    AugmentSettings neutral = AugmentSettings.BASIC.toBuilder().hue(0).saturation(1).exposure(1).build();
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 100; i++) {
      assertTrue(ImageAugmenter.sampleJitter(neutral, rng).identity());
    }
    float[] img = new ImageAugmenter(AugmentSettings.NONE).eval(natural(30, 30, 2), 30);
    float[] copy = img.clone();
    new Jitter(0f, 1f, 1f).apply(copy, 3, 900);
    assertArrayEquals(img, copy);
    // a whole turn of hue goes through HSV and back
    new Jitter(1f, 1f, 1f).apply(copy, 3, 900);
    for (int i = 0; i < img.length; i++) {
      assertEquals(img[i], copy[i], 1e-5);
    }
  }

  @Test
  void jitterMovesHueSaturationAndExposureAsDarknetDoes() {
    float[] red = {1f, 0f, 0f};
    new Jitter(1f / 3, 1f, 1f).apply(red, 3, 1);
    assertArrayEquals(new float[] {0f, 1f, 0f}, red, 1e-6f, "a third of a turn takes red to green");
    float[] pink = {1f, 0.5f, 0.5f};
    new Jitter(0f, 0f, 1f).apply(pink, 3, 1);
    assertArrayEquals(new float[] {1f, 1f, 1f}, pink, 1e-6f, "saturation 0 leaves grey of the same value");
    float[] grey = {0.2f, 0.6f};
    new Jitter(0.3f, 1.5f, 2f).apply(grey, 1, 2);
    assertArrayEquals(new float[] {0.4f, 1f}, grey, 1e-6f, "grey: exposure only, clamped at 1");
  }

  @Test
  void vectorJitterIsBitIdenticalToTheScalarLoop() {
    float[] img = new ImageAugmenter(AugmentSettings.NONE).eval(natural(61, 37, 8), 37);
    // grey pixels, saturated primaries, black and white too
    float[][] special = {{0, 0, 0}, {1, 1, 1}, {0.5f, 0.5f, 0.5f}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}};
    int plane = 37 * 37;
    for (int k = 0; k < special.length; k++) {
      for (int c = 0; c < 3; c++) {
        img[c * plane + 5 * k] = special[k][c];
      }
    }
    SplittableRandom rng = new SplittableRandom(4);
    for (int round = 0; round < 50; round++) {
      Jitter j = ImageAugmenter.sampleJitter(AugmentSettings.PAPER.toBuilder().hue(0.5).saturation(3).build(), rng);
      float[] scalar = img.clone();
      float[] vector = img.clone();
      j.apply(scalar, 3, plane, false);
      j.apply(vector, 3, plane, ImageAugmenter.VECTOR);
      assertArrayEquals(scalar, vector, j.toString());
    }
  }

  @Test
  void jitterFactorsStayWithinTheirRanges() {
    SplittableRandom rng = new SplittableRandom(7);
    double minSat = 9;
    double maxSat = 0;
    double minHue = 1;
    double maxHue = -1;
    for (int i = 0; i < 20_000; i++) {
      Jitter j = ImageAugmenter.sampleJitter(AugmentSettings.PAPER, rng);
      assertTrue(j.saturationFactor() >= 1 / 1.5f - 1e-6 && j.saturationFactor() <= 1.5f + 1e-6, j.toString());
      assertTrue(j.exposureFactor() >= 1 / 1.5f - 1e-6 && j.exposureFactor() <= 1.5f + 1e-6, j.toString());
      assertTrue(Math.abs(j.hueShift()) <= 0.1f, j.toString());
      minSat = Math.min(minSat, j.saturationFactor());
      maxSat = Math.max(maxSat, j.saturationFactor());
      minHue = Math.min(minHue, j.hueShift());
      maxHue = Math.max(maxHue, j.hueShift());
    }
    assertTrue(minSat < 0.67 && maxSat > 1.49, "the whole range [1/1.5, 1.5] is reached: " + minSat + ".." + maxSat);
    assertTrue(minHue < -0.099 && maxHue > 0.099, minHue + ".." + maxHue);
  }

  @Test
  void randomResizedCropAreasAndAspectsStayInRange() {
    SplittableRandom rng = new SplittableRandom(3);
    for (AugmentSettings s : new AugmentSettings[] {
        AugmentSettings.BASIC, AugmentSettings.BASIC.toBuilder().cropScale(0.25, 0.5).build()}) {
      double area = 341.0 * 256;
      double seenMin = 1;
      double seenMax = 0;
      for (int i = 0; i < 20_000; i++) {
        Crop c = ImageAugmenter.sampleCrop(341, 256, s, rng);
        assertTrue(c.x() >= 0 && c.y() >= 0 && c.x() + c.width() <= 341 && c.y() + c.height() <= 256, c.toString());
        // w and h are rounded from sqrt(target * aspect) and sqrt(target / aspect): exact bounds
        assertTrue((c.width() + 0.5) * (c.height() + 0.5) >= s.minScale() * area, c + " below " + s.minScale());
        assertTrue((c.width() - 0.5) * (c.height() - 0.5) <= s.maxScale() * area, c + " above " + s.maxScale());
        assertTrue((c.width() - 0.5) / (c.height() + 0.5) <= s.maxAspect(), c.toString());
        assertTrue((c.width() + 0.5) / (c.height() - 0.5) >= s.minAspect(), c.toString());
        seenMin = Math.min(seenMin, c.width() * c.height() / area);
        seenMax = Math.max(seenMax, c.width() * c.height() / area);
      }
      assertTrue(seenMin < s.minScale() + 0.01 && seenMax > s.maxScale() - 0.02,
          "the scale range is covered: " + seenMin + ".." + seenMax);
    }
  }

  @Test
  void cropFallsBackToACentreCropWithinTheAspectRange() {
    AugmentSettings square = AugmentSettings.BASIC.toBuilder().cropScale(0.9, 1).cropAspect(1, 1).build();
    // a 100x10 strip: no square of 90% of its area fits, so the centre 10x10 is taken
    assertEquals(new Crop(45, 0, 10, 10), ImageAugmenter.sampleCrop(100, 10, square, new SplittableRandom(1)));
  }

  @Test
  void withoutRandomCropTrainingStartsFromTheEvaluationView() {
    AugmentSettings flipOnly = AugmentSettings.NONE.toBuilder().flip(1).build();
    Pixels src = natural(45, 30, 4);
    float[] eval = new ImageAugmenter(flipOnly).eval(src, 16);
    float[] train = new ImageAugmenter(flipOnly).train(src, 16, new SplittableRandom(2));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          assertEquals(at(eval, 16, c, x, y), at(train, 16, c, 15 - x, y));
        }
      }
    }
    assertArrayEquals(eval, new ImageAugmenter(AugmentSettings.NONE).train(src, 16, new SplittableRandom(2)));
  }

  @Test
  void badResolutionIsRefused() {
    ImageAugmenter aug = new ImageAugmenter(AugmentSettings.NONE);
    Pixels src = natural(8, 8, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aug.eval(src, 0));
    assertEquals("resolution must be in [1, 16384], got 0", e.getMessage());
  }
}
