package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.data.AugmentedBatch.Mix;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-minibatch mixing: label weights equal to the pixels each source contributes, label smoothing, edge cases. */
class BatchAugmenterTest {

  private static final int C = 3;
  private static final int H = 12;
  private static final int W = 16;
  private static final int PIXELS = C * H * W;

  /** n images, image i filled with (i + 1) / 16 (exact in float), labelled class i. */
  private static float[][] constantImages(int n) {
    float[][] images = new float[n][PIXELS];
    for (int i = 0; i < n; i++) {
      Arrays.fill(images[i], (i + 1) / 16f);
    }
    return images;
  }

  private static int[] identityLabels(int n) {
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i;
    }
    return labels;
  }

  private static float[][] randomImages(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] images = new float[n][PIXELS];
    for (float[] im : images) {
      for (int k = 0; k < PIXELS; k++) {
        im[k] = (float) r.nextDouble();
      }
    }
    return images;
  }

  static Stream<Arguments> presetsAndSizes() {
    return Stream.of("paper", "cutmix", "mixup", "basic", "none").flatMap(p ->
        Stream.of(1, 2, 3, 7).map(n -> Arguments.of(p, n)));
  }

  @ParameterizedTest
  @MethodSource("presetsAndSizes")
  void labelRowsSumToOne(String preset, int n) {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.preset(preset));
    SplittableRandom rng = new SplittableRandom(n * 31L + preset.hashCode());
    SplittableRandom labelRng = new SplittableRandom(5);
    for (int round = 0; round < 20; round++) {
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = labelRng.nextInt(10);
      }
      AugmentedBatch b = aug.apply(randomImages(n, round), C, H, W, labels, 10, rng);
      assertEquals(n, b.size());
      assertArrayEquals(new long[] {n, C, H, W}, b.featureShape());
      assertArrayEquals(new long[] {n, 10}, b.labelShape());
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < 10; k++) {
          assertTrue(b.label(i, k) >= 0, "negative label weight");
          sum += b.label(i, k);
        }
        assertEquals(1.0, sum, 1e-5, preset + " row " + i + " of " + n);
      }
    }
  }

  /** For each output example, the fraction of its pixels that came from each source class. */
  private static double[] pixelShares(AugmentedBatch b, int example, int classes) {
    double[] share = new double[classes];
    for (int k = 0; k < PIXELS; k++) {
      float v = b.features()[example * PIXELS + k];
      int source = Math.round(v * 16) - 1;
      assertEquals((source + 1) / 16f, v, "a pasted pixel is copied, never blended");
      share[source] += 1.0 / PIXELS;
    }
    return share;
  }

  @ParameterizedTest
  @MethodSource("pastingMixes")
  void cutmixAndMosaicWeightLabelsByPastedArea(AugmentSettings s, Mix expected) {
    int n = 5;
    BatchAugmenter aug = new BatchAugmenter(s);
    SplittableRandom rng = new SplittableRandom(17);
    boolean sawPartialPaste = false;
    for (int round = 0; round < 40; round++) {
      AugmentedBatch b = aug.apply(constantImages(n), C, H, W, identityLabels(n), n, rng);
      for (int i = 0; i < n; i++) {
        assertEquals(expected, b.mixes().get(i));
        double[] share = pixelShares(b, i, n);
        for (int k = 0; k < n; k++) {
          assertEquals(share[k], b.label(i, k), 1e-6, expected + " example " + i + " class " + k);
        }
        sawPartialPaste |= share[i] > 0 && share[i] < 1;
      }
    }
    assertTrue(sawPartialPaste, "some examples must be partly pasted over");
  }

  static Stream<Arguments> pastingMixes() {
    return Stream.of(
        Arguments.of(AugmentSettings.NONE.toBuilder().cutmix(1).build(), Mix.CUTMIX),
        Arguments.of(AugmentSettings.NONE.toBuilder().mosaic(1).build(), Mix.MOSAIC));
  }

  @Test
  void mosaicTilesFourQuadrantsAroundAMiddleCentre() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.NONE.toBuilder().mosaic(1).build());
    AugmentedBatch b = aug.apply(constantImages(4), C, H, W, identityLabels(4), 4, new SplittableRandom(8));
    for (int i = 0; i < 4; i++) {
      int plane = H * W;
      float[] f = Arrays.copyOfRange(b.features(), i * PIXELS, i * PIXELS + plane);
      // the top-left pixel is the example's own; the centre lies within the middle 60% of each axis
      assertEquals((i + 1) / 16f, f[0]);
      int cx = 0;
      while (cx < W && f[cx] == f[0]) {
        cx++;
      }
      assertTrue(cx >= (int) (W * 0.2) && cx <= (int) (W * 0.8), "centre column " + cx);
    }
  }

  @Test
  void mixupBlendsPixelsAndLabelsWithTheSameWeight() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.NONE.toBuilder().mixup(1).build());
    float[][] images = {new float[PIXELS], new float[PIXELS]};
    Arrays.fill(images[1], 1f);
    SplittableRandom rng = new SplittableRandom(23);
    for (int round = 0; round < 50; round++) {
      AugmentedBatch b = aug.apply(images, C, H, W, new int[] {0, 1}, 2, rng);
      for (int i = 0; i < 2; i++) {
        assertEquals(Mix.MIXUP, b.mixes().get(i));
        float weightOfOnes = b.label(i, 1);
        for (int k = 0; k < PIXELS; k++) {
          assertEquals(weightOfOnes, b.features()[i * PIXELS + k], 1e-6);
        }
        assertEquals(1.0, b.label(i, 0) + b.label(i, 1), 1e-6);
      }
    }
  }

  @Test
  void labelSmoothingGivesOneMinusEpsilonPlusEpsilonOverK() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.NONE.toBuilder().labelSmoothing(0.1).build());
    AugmentedBatch b = aug.apply(randomImages(3, 1), C, H, W, new int[] {4, 0, 9}, 10, new SplittableRandom(1));
    int[] truth = {4, 0, 9};
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 10; k++) {
        assertEquals(k == truth[i] ? 1 - 0.1 + 0.01 : 0.01, b.label(i, k), 1e-7);
      }
    }
    // the paper preset smooths mixed rows too
    AugmentedBatch p = new BatchAugmenter(AugmentSettings.PAPER)
        .apply(randomImages(8, 2), C, H, W, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 10, new SplittableRandom(3));
    for (int i = 0; i < 8; i++) {
      for (int k = 0; k < 10; k++) {
        assertTrue(p.label(i, k) >= 0.01f - 1e-7, "every class keeps at least epsilon / K");
      }
    }
  }

  @Test
  void aSingleExampleHasNoPartnerAndStaysUnmixed() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.CUTMIX);
    float[][] one = randomImages(1, 4);
    AugmentedBatch b = aug.apply(one, C, H, W, new int[] {2}, 3, new SplittableRandom(1));
    assertEquals(List.of(Mix.NONE), b.mixes());
    assertArrayEquals(one[0], b.features());
    assertArrayEquals(new float[] {0, 0, 1}, b.labels());
  }

  @Test
  void equalSeedsRepeatAndInputsAreNotModified() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.PAPER);
    float[][] images = randomImages(6, 9);
    float[][] before = Arrays.stream(images).map(float[]::clone).toArray(float[][]::new);
    int[] labels = {0, 1, 2, 3, 4, 5};
    AugmentedBatch a = aug.apply(images, C, H, W, labels, 6, new SplittableRandom(77));
    AugmentedBatch b = aug.apply(images, C, H, W, labels, 6, new SplittableRandom(77));
    assertArrayEquals(a.features(), b.features());
    assertArrayEquals(a.labels(), b.labels());
    assertEquals(a.mixes(), b.mixes());
    boolean differs = false;
    for (long seed = 78; seed < 90 && !differs; seed++) {
      differs = !Arrays.equals(a.features(), aug.apply(images, C, H, W, labels, 6, new SplittableRandom(seed)).features());
    }
    assertTrue(differs, "other seeds must mix differently");
    for (int i = 0; i < images.length; i++) {
      assertArrayEquals(before[i], images[i]);
    }
  }

  @Test
  void softLabelsMixLikeHardOnes() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.NONE.toBuilder().cutmix(1).build());
    float[][] soft = {{1, 0, 0}, {0, 0.5f, 0.5f}};
    AugmentedBatch b = aug.apply(constantImages(2), C, H, W, soft, new SplittableRandom(3));
    double own = pixelShares(b, 0, 2)[0];
    assertEquals(own, b.label(0, 0), 1e-6);
    assertEquals((1 - own) / 2, b.label(0, 1), 1e-6);
    assertEquals((1 - own) / 2, b.label(0, 2), 1e-6);
  }

  @Test
  void stackIsAnEvaluationBatch() {
    float[][] images = randomImages(2, 3);
    AugmentedBatch b = BatchAugmenter.stack(images, C, H, W, new int[] {1, 0}, 2);
    assertArrayEquals(images[1], Arrays.copyOfRange(b.features(), PIXELS, 2 * PIXELS));
    assertArrayEquals(new float[] {0, 1, 1, 0}, b.labels());
  }

  @Test
  void mixesAreChosenByStackedProbabilities() {
    AugmentSettings s = AugmentSettings.NONE.toBuilder().mosaic(0.2).cutmix(0.3).mixup(0.1).build();
    assertEquals(Mix.MOSAIC, BatchAugmenter.choose(s, 0.19));
    assertEquals(Mix.CUTMIX, BatchAugmenter.choose(s, 0.2));
    assertEquals(Mix.CUTMIX, BatchAugmenter.choose(s, 0.49));
    assertEquals(Mix.MIXUP, BatchAugmenter.choose(s, 0.55));
    assertEquals(Mix.NONE, BatchAugmenter.choose(s, 0.6));
  }

  @Test
  void betaDrawsHaveBetasMoments() {
    for (double alpha : new double[] {0.2, 1.0, 2.5}) {
      SplittableRandom rng = new SplittableRandom(12);
      int n = 40_000;
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        double v = BatchAugmenter.beta(alpha, rng);
        assertTrue(v >= 0 && v <= 1, "beta draw " + v);
        sum += v;
        sq += v * v;
      }
      double mean = sum / n;
      double var = sq / n - mean * mean;
      // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)); standard errors here are below 0.003
      assertEquals(0.5, mean, 0.015, "alpha " + alpha);
      assertEquals(1 / (4 * (2 * alpha + 1)), var, 0.01, "alpha " + alpha);
    }
  }

  @Test
  void badBatchesAreRefusedWithReasons() {
    BatchAugmenter aug = new BatchAugmenter(AugmentSettings.PAPER);
    SplittableRandom rng = new SplittableRandom(1);
    assertEquals("label 1 must be in [0, 3), got 3", assertThrows(IllegalArgumentException.class,
        () -> aug.apply(randomImages(2, 1), C, H, W, new int[] {0, 3}, 3, rng)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> aug.apply(new float[][] {new float[5]}, C, H, W, new int[] {0}, 3, rng)).getMessage()
        .startsWith("image 0 must hold 3x12x16 = 576 floats, got 5"));
    assertThrows(IllegalArgumentException.class, () -> aug.apply(new float[0][], C, H, W, new int[0], 3, rng));
    assertFalse(AugmentSettings.NONE.mixes());
  }
}
