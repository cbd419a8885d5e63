package io.mishbench.data;

import io.mishbench.data.AugmentedBatch.Mix;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Per-minibatch augmentation: mixes examples of one minibatch with each other and smooths the labels.
 *
 * <p>Each example independently gets Mosaic with probability {@code mosaic}, else CutMix with
 * probability {@code cutmix}, else MixUp with probability {@code mixup} (one uniform draw against the
 * three stacked probabilities), else nothing. Partners are other examples of the same minibatch, drawn
 * uniformly (never the example itself), and are read from the unmixed inputs, so the order of examples
 * does not matter. Label weights follow the pixels: CutMix and Mosaic weight each source by the exact
 * area it contributes, MixUp by its blend weight. Then every row {@code y} becomes
 * {@code (1 - epsilon) y + epsilon / classes}.
 *
 * <ul>
 *   <li>CutMix (Yun et al. 2019): kept fraction lambda ~ Beta(alpha, alpha); a box of
 *       {@code (int) (W sqrt(1 - lambda)) x (int) (H sqrt(1 - lambda))} centred on a uniform pixel,
 *       clipped to the image, is copied from the partner.</li>
 *   <li>MixUp (Zhang et al. 2018): lambda ~ Beta(alpha, alpha); pixels and labels are
 *       {@code lambda a + (1 - lambda) b}.</li>
 *   <li>Mosaic (Darknet's classifier): a centre (cx, cy) uniform in the middle 60% of each axis
 *       ({@code rand_int(0.2 W, 0.8 W)}); top-left from the example, top-right, bottom-left and
 *       bottom-right from three partners, each copying its own pixels at those positions.</li>
 * </ul>
 *
 * <p>A minibatch of one example has no partner and is never mixed. All randomness comes from the
 * {@code rng} argument; settings without mixing draw nothing. Instances are immutable and thread-safe.
 */
public final class BatchAugmenter implements Serializable {

  private static final long serialVersionUID = 1L;

  private final AugmentSettings settings;

  /** Mixes and smooths with {@code settings} (its per-image keys are ignored here). */
  public BatchAugmenter(AugmentSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("augment settings are required");
    }
    this.settings = settings;
  }

  /** The settings this augmenter applies. */
  public AugmentSettings settings() {
    return settings;
  }

  /**
   * Augments a minibatch with hard labels.
   *
   * @param images CHW images, each {@code channels * height * width} floats; not modified
   * @param labels class index of each image, in [0, classes)
   */
  public AugmentedBatch apply(
      float[][] images, int channels, int height, int width, int[] labels, int classes, SplittableRandom rng) {
    return mix(settings, images, channels, height, width, oneHot(labels, classes, images.length), rng);
  }

  /**
   * Augments a minibatch with soft labels (rows of {@code classes} weights, e.g. one-hot).
   *
   * @param images CHW images, each {@code channels * height * width} floats; not modified
   * @param labels one row per image, all of the same length; not modified
   */
  public AugmentedBatch apply(
      float[][] images, int channels, int height, int width, float[][] labels, SplittableRandom rng) {
    return mix(settings, images, channels, height, width, labels, rng);
  }

  /** An evaluation minibatch: the images stacked, one-hot labels, nothing mixed or smoothed. */
  public static AugmentedBatch stack(float[][] images, int channels, int height, int width, int[] labels, int classes) {
    return mix(AugmentSettings.NONE, images, channels, height, width, oneHot(labels, classes, images.length), null);
  }

  private static float[][] oneHot(int[] labels, int classes, int n) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    if (labels.length != n) {
      throw new IllegalArgumentException("expected " + n + " labels, got " + labels.length);
    }
    float[][] rows = new float[n][classes];
    for (int i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label " + i + " must be in [0, " + classes + "), got " + labels[i]);
      }
      rows[i][labels[i]] = 1f;
    }
    return rows;
  }

  private static AugmentedBatch mix(
      AugmentSettings s, float[][] images, int channels, int height, int width, float[][] labels, SplittableRandom rng) {
    int n = images.length;
    if (n < 1) {
      throw new IllegalArgumentException("a minibatch needs at least one image");
    }
    if (labels.length != n) {
      throw new IllegalArgumentException("expected " + n + " label rows, got " + labels.length);
    }
    int pixels = channels * height * width;
    int classes = labels[0].length;
    for (int i = 0; i < n; i++) {
      if (images[i].length != pixels) {
        throw new IllegalArgumentException(
            "image " + i + " must hold " + channels + "x" + height + "x" + width + " = " + pixels + " floats, got "
                + images[i].length);
      }
      if (labels[i].length != classes) {
        throw new IllegalArgumentException(
            "label row " + i + " has " + labels[i].length + " classes, row 0 has " + classes);
      }
    }
    boolean mixing = s.mixes() && n > 1;
    if (mixing && rng == null) {
      throw new IllegalArgumentException("mixing needs a random number generator");
    }
    float[] x = new float[n * pixels];
    double[] y = new double[classes];
    float[] labelsOut = new float[n * classes];
    List<Mix> mixes = new ArrayList<>(n);
    Frame f = new Frame(channels, height, width);
    for (int i = 0; i < n; i++) {
      Mix m = mixing ? choose(s, rng.nextDouble()) : Mix.NONE;
      Arrays.fill(y, 0);
      int o = i * pixels;
      switch (m) {
        case NONE -> {
          System.arraycopy(images[i], 0, x, o, pixels);
          add(y, labels[i], 1);
        }
        case MIXUP -> {
          int j = partner(i, n, rng);
          double lambda = beta(s.mixupAlpha(), rng);
          float a = (float) lambda;
          float b = (float) (1 - lambda);
          float[] p = images[i];
          float[] q = images[j];
          for (int k = 0; k < pixels; k++) {
            x[o + k] = a * p[k] + b * q[k];
          }
          add(y, labels[i], lambda);
          add(y, labels[j], 1 - lambda);
        }
        case CUTMIX -> {
          int j = partner(i, n, rng);
          double lambda = beta(s.cutmixAlpha(), rng);
          double side = Math.sqrt(1 - lambda);
          int cutW = (int) (width * side);
          int cutH = (int) (height * side);
          int cx = rng.nextInt(width);
          int cy = rng.nextInt(height);
          int x1 = clamp(cx - cutW / 2, width);
          int x2 = clamp(cx + cutW / 2, width);
          int y1 = clamp(cy - cutH / 2, height);
          int y2 = clamp(cy + cutH / 2, height);
          System.arraycopy(images[i], 0, x, o, pixels);
          f.copy(images[j], x, o, x1, x2, y1, y2);
          double pasted = (double) (x2 - x1) * (y2 - y1) / ((double) width * height);
          add(y, labels[i], 1 - pasted);
          add(y, labels[j], pasted);
        }
        case MOSAIC -> {
          int lo = (int) (width * 0.2);
          int cx = lo + rng.nextInt((int) (width * 0.8) - lo + 1);
          lo = (int) (height * 0.2);
          int cy = lo + rng.nextInt((int) (height * 0.8) - lo + 1);
          int[] src = {i, partner(i, n, rng), partner(i, n, rng), partner(i, n, rng)};
          int[][] boxes = {{0, cx, 0, cy}, {cx, width, 0, cy}, {0, cx, cy, height}, {cx, width, cy, height}};
          double area = (double) width * height;
          for (int q = 0; q < 4; q++) {
            int[] bx = boxes[q];
            f.copy(images[src[q]], x, o, bx[0], bx[1], bx[2], bx[3]);
            add(y, labels[src[q]], (double) (bx[1] - bx[0]) * (bx[3] - bx[2]) / area);
          }
        }
        default -> throw new IllegalStateException("unhandled mix " + m);
      }
      double eps = s.labelSmoothing();
      for (int k = 0; k < classes; k++) {
        labelsOut[i * classes + k] = (float) ((1 - eps) * y[k] + eps / classes);
      }
      mixes.add(m);
    }
    return new AugmentedBatch(x, labelsOut, n, channels, height, width, classes, mixes);
  }

  /** The mix of one example for a uniform draw {@code u}: Mosaic, CutMix, MixUp stacked in that order. */
  static Mix choose(AugmentSettings s, double u) {
    if (u < s.mosaic()) {
      return Mix.MOSAIC;
    }
    if (u < s.mosaic() + s.cutmix()) {
      return Mix.CUTMIX;
    }
    if (u < s.mosaic() + s.cutmix() + s.mixup()) {
      return Mix.MIXUP;
    }
    return Mix.NONE;
  }

  private static int partner(int i, int n, SplittableRandom rng) {
    int j = rng.nextInt(n - 1);
    return j >= i ? j + 1 : j;
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  private static void add(double[] y, float[] row, double weight) {
    for (int k = 0; k < y.length; k++) {
      y[k] += weight * row[k];
    }
  }

  /** Copies rectangles between CHW images of one shape. */
  private record Frame(int channels, int height, int width) {

    /** Copies columns [x1, x2) of rows [y1, y2) of every channel of {@code src} into {@code dst} at {@code offset}. */
    void copy(float[] src, float[] dst, int offset, int x1, int x2, int y1, int y2) {
      if (x2 <= x1 || y2 <= y1) {
        return;
      }
      int plane = height * width;
      for (int c = 0; c < channels; c++) {
        for (int r = y1; r < y2; r++) {
          int p = c * plane + r * width + x1;
          System.arraycopy(src, p, dst, offset + p, x2 - x1);
        }
      }
    }
  }

  /** A draw from Beta(alpha, alpha): uniform for alpha 1, else the ratio of two Gamma(alpha) draws. */
  static double beta(double alpha, SplittableRandom rng) {
    if (alpha == 1) {
      return rng.nextDouble();
    }
    double a = gamma(alpha, rng);
    double b = gamma(alpha, rng);
    double sum = a + b;
    if (!(sum > 0)) { // both underflowed (tiny alpha): Beta's mass is at the ends
      return rng.nextBoolean() ? 1 : 0;
    }
    return a / sum;
  }

  /** Marsaglia and Tsang's Gamma(shape, 1) sampler; shapes below 1 are boosted by U^(1/shape). */
  private static double gamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = rng.nextGaussian();
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1 - 0.0331 * z * z * z * z || Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }
}
