package io.mishbench.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Per-image augmentation: decoded {@link Pixels} in, a square CHW float32 image in [0, 1] out.
 *
 * <p>{@link #train} crops (torchvision's RandomResizedCrop: area fraction and log-uniform aspect ratio,
 * 10 attempts, then a centre crop), resizes the crop bilinearly to {@code resolution x resolution},
 * flips it horizontally and jitters colour in HSV as Darknet does (hue shift, saturation and exposure
 * factors from {@code rand_scale}; saturation capped at 1, channels clamped to [0, 1]; grey images get
 * exposure only). Without random-resized crop it starts from the evaluation view instead.
 * {@link #eval} resizes the shorter side to {@code resolution} and centre-crops.
 *
 * <p>Resampling is PIL's bilinear filter (a triangle of support 1 output pixel, widened by the
 * down-scaling factor so that shrinking averages every source pixel instead of aliasing), separable and
 * computed directly on the bytes; the flip is folded into the column weights and the 1/255 scaling into
 * the row weights. The jitter runs on the Vector API when the JVM has it ({@link AugmentVectors},
 * bit-identical to the scalar loop). Every random decision is drawn from the {@code rng} argument in a
 * fixed order (the crop's draws, one for the flip, five for the jitter), so equal seeds give equal
 * images. Instances are immutable, thread-safe and serializable.
 */
public final class ImageAugmenter implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final int CROP_ATTEMPTS = 10;

  /**
   * Whether the colour jitter runs on the Vector API ({@link AugmentVectors}): the JVM has
   * {@code jdk.incubator.vector} and {@code mishbench.augment.scalar} is not {@code true}.
   */
  static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("mishbench.augment.scalar");

  /** Per-thread scratch for the horizontal pass, grown on demand (executors reuse their threads). */
  private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

  private final AugmentSettings settings;

  /** Augments with {@code settings}. */
  public ImageAugmenter(AugmentSettings settings) {
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
   * One training view of {@code src}: random-resized crop (or the evaluation view), flip, colour jitter.
   *
   * @param resolution output width and height, >= 1
   * @param rng the only source of randomness
   * @return {@code channels * resolution * resolution} floats in [0, 1], CHW
   */
  public float[] train(Pixels src, int resolution, SplittableRandom rng) {
    requireResolution(resolution);
    Crop crop = settings.randomResizedCrop() ? sampleCrop(src.width(), src.height(), settings, rng) : null;
    boolean flip = rng.nextDouble() < settings.flip();
    Jitter jitter = sampleJitter(settings, rng);
    float[] out = crop == null
        ? resample(src, centreAxis(src.width(), resolution, flip, src.height()),
            centreAxis(src.height(), resolution, false, src.width()), resolution)
        : resample(src, cropAxis(crop.x(), crop.width(), resolution, flip),
            cropAxis(crop.y(), crop.height(), resolution, false), resolution);
    jitter.apply(out, src.channels(), resolution * resolution);
    return out;
  }

  /**
   * The evaluation view of {@code src}: shorter side resized to {@code resolution}, centre crop.
   *
   * @return {@code channels * resolution * resolution} floats in [0, 1], CHW
   */
  public float[] eval(Pixels src, int resolution) {
    requireResolution(resolution);
    return resample(src, centreAxis(src.width(), resolution, false, src.height()),
        centreAxis(src.height(), resolution, false, src.width()), resolution);
  }

  private static void requireResolution(int resolution) {
    if (resolution < 1 || resolution > 16_384) {
      throw new IllegalArgumentException("resolution must be in [1, 16384], got " + resolution);
    }
  }

  /** A crop window in source pixels. */
  record Crop(int x, int y, int width, int height) {}

  /**
   * torchvision's RandomResizedCrop parameters: area fraction uniform in the scale range, aspect ratio
   * log-uniform in the aspect range, up to 10 attempts to fit, then a centre crop of the whole image
   * clamped to the aspect range.
   */
  static Crop sampleCrop(int width, int height, AugmentSettings s, SplittableRandom rng) {
    double area = (double) width * height;
    double logMin = Math.log(s.minAspect());
    double logMax = Math.log(s.maxAspect());
    for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
      double target = area * uniform(rng, s.minScale(), s.maxScale());
      double aspect = Math.exp(uniform(rng, logMin, logMax));
      int w = (int) Math.round(Math.sqrt(target * aspect));
      int h = (int) Math.round(Math.sqrt(target / aspect));
      if (w > 0 && h > 0 && w <= width && h <= height) {
        int y = rng.nextInt(height - h + 1);
        int x = rng.nextInt(width - w + 1);
        return new Crop(x, y, w, h);
      }
    }
    double ratio = (double) width / height;
    int w = width;
    int h = height;
    if (ratio < s.minAspect()) {
      h = (int) Math.max(1, Math.min(height, Math.round(width / s.minAspect())));
    } else if (ratio > s.maxAspect()) {
      w = (int) Math.max(1, Math.min(width, Math.round(height * s.maxAspect())));
    }
    return new Crop((width - w) / 2, (height - h) / 2, w, h);
  }

  private static double uniform(SplittableRandom rng, double min, double max) {
    return min + (max - min) * rng.nextDouble();
  }

  /**
   * Colour jitter of one image.
   *
   * @param hueShift added to the hue, in turns of the hue circle
   * @param saturationFactor multiplies the saturation (capped at 1)
   * @param exposureFactor multiplies the value (brightness)
   */
  record Jitter(float hueShift, float saturationFactor, float exposureFactor) {

    boolean identity() {
      return hueShift == 0 && saturationFactor == 1 && exposureFactor == 1;
    }

    /** Jitters a CHW image of {@code channels} planes of {@code plane} values in place; results clamped to [0, 1]. */
    void apply(float[] chw, int channels, int plane) {
      apply(chw, channels, plane, VECTOR);
    }

    /** {@link #apply(float[], int, int)}, with the Vector API for the bulk of the pixels or not. */
    void apply(float[] chw, int channels, int plane, boolean vector) {
      if (identity()) {
        return;
      }
      if (channels == 1 || (hueShift == 0 && saturationFactor == 1)) {
        // hue and saturation unchanged: scaling V scales R, G and B alike
        float e = exposureFactor;
        int n = channels * plane;
        for (int i = 0; i < n; i++) {
          chw[i] = Math.min(1f, chw[i] * e);
        }
        return;
      }
      // Per pixel with max M, min m, delta D = M - m: v' = e M and v' s' = e min(M, f D) (the saturation
      // capped at 1, without dividing by M); channel n (R 5, G 3, B 1) becomes
      // v' - v' s' clamp(min(k, 4 - k), 0, 1) with k = (n + hue) mod 6, the hue in sixths of the circle.
      // Plain comparisons instead of Math.min/max: values are never NaN, and this loop is the hot one.
      float shift = hueShift * 6f;
      float sf = saturationFactor;
      float ef = exposureFactor;
      int from = vector ? AugmentVectors.hsvJitter(chw, plane, shift, sf, ef) : 0;
      for (int i = from; i < plane; i++) {
        float r = chw[i];
        float g = chw[plane + i];
        float b = chw[2 * plane + i];
        float max = r > g ? (r > b ? r : b) : (g > b ? g : b);
        float min = r < g ? (r < b ? r : b) : (g < b ? g : b);
        float delta = max - min;
        float h = shift;
        if (delta > 0) {
          float inv = 1f / delta;
          h += r == max ? (g - b) * inv : g == max ? 2 + (b - r) * inv : 4 + (r - g) * inv;
        }
        h = h < 0 ? h + 6 : h;
        h = h >= 6 ? h - 6 : h;
        float sd = sf * delta;
        float v = max * ef;
        float vs = ef * (sd < max ? sd : max);
        chw[i] = clamp01(v - vs * ramp(h + 5));
        chw[plane + i] = clamp01(v - vs * ramp(h + 3));
        chw[2 * plane + i] = clamp01(v - vs * ramp(h + 1));
      }
    }

    /** clamp(min(k', 4 - k'), 0, 1) with k' = k mod 6, for k in [0, 12). */
    private static float ramp(float k) {
      k = k >= 6 ? k - 6 : k;
      float t = k < 4 - k ? k : 4 - k;
      return t < 0 ? 0 : t > 1 ? 1 : t;
    }

    private static float clamp01(float x) {
      return x < 0 ? 0 : x > 1 ? 1 : x;
    }
  }

  /** Hue shift uniform in [-hue, hue], saturation and exposure factors from {@link #randScale}; always 5 draws. */
  static Jitter sampleJitter(AugmentSettings s, SplittableRandom rng) {
    double hue = (2 * rng.nextDouble() - 1) * s.hue();
    double sat = randScale(s.saturation(), rng);
    double exp = randScale(s.exposure(), rng);
    return new Jitter((float) hue, (float) sat, (float) exp);
  }

  /** Darknet's {@code rand_scale}: uniform in [1, s], inverted with probability 1/2; 1 exactly when s is 1. */
  static double randScale(double s, SplittableRandom rng) {
    double scale = 1 + (s - 1) * rng.nextDouble();
    return rng.nextBoolean() ? scale : 1 / scale;
  }

  /**
   * Resampling weights along one axis: output index i reads source indices {@code start[i]} to
   * {@code start[i] + count[i] - 1} with weights {@code weights[i * taps + k]}.
   */
  record Axis(int[] start, int[] count, float[] weights, int taps) {}

  /**
   * The axis of the evaluation view: the source axis of length {@code length} is resized so that the
   * shorter side of the image ({@code min(length, other)}) becomes {@code resolution}, then the centre
   * {@code resolution} pixels are kept.
   */
  static Axis centreAxis(int length, int resolution, boolean mirror, int other) {
    double s = (double) resolution / Math.min(length, other);
    int resized = Math.max(resolution, (int) Math.round(length * s));
    double scale = (double) length / resized;
    int offset = (resized - resolution) / 2;
    return axis(resolution, scale, offset * scale, 0, length, mirror);
  }

  /** The axis of a crop window {@code [start, start + length)} resized to {@code resolution}. */
  static Axis cropAxis(int start, int length, int resolution, boolean mirror) {
    return axis(resolution, (double) length / resolution, start, start, start + length, mirror);
  }

  /**
   * PIL's bilinear weights: output pixel i is centred at source coordinate
   * {@code offset + (i + 0.5) * scale}; the triangle filter's support is {@code max(scale, 1)}; taps are
   * confined to {@code [lo, hi)} and normalised. {@code mirror} stores output i at {@code out - 1 - i}.
   */
  static Axis axis(int out, double scale, double offset, int lo, int hi, boolean mirror) {
    double support = Math.max(scale, 1.0);
    int taps = (int) Math.ceil(support) * 2 + 1;
    int[] start = new int[out];
    int[] count = new int[out];
    float[] weights = new float[out * taps];
    double[] w = new double[taps];
    for (int i = 0; i < out; i++) {
      double centre = offset + (i + 0.5) * scale;
      int min = Math.max((int) Math.floor(centre - support + 0.5), lo);
      int max = Math.min((int) Math.floor(centre + support + 0.5), hi);
      int n = 0;
      double sum = 0;
      for (int j = min; j < max && n < taps; j++, n++) {
        double x = Math.abs((j + 0.5 - centre) / support);
        w[n] = x < 1 ? 1 - x : 0;
        sum += w[n];
      }
      int slot = mirror ? out - 1 - i : i;
      if (sum <= 0) { // cannot happen for windows inside [lo, hi); nearest pixel as a safeguard
        start[slot] = Math.min(hi - 1, Math.max(lo, (int) Math.floor(centre)));
        count[slot] = 1;
        weights[slot * taps] = 1;
        continue;
      }
      start[slot] = min;
      count[slot] = n;
      for (int k = 0; k < n; k++) {
        weights[slot * taps + k] = (float) (w[k] / sum);
      }
    }
    return new Axis(start, count, weights, taps);
  }

  /** Separable resampling: rows first (bytes to floats), then columns, written CHW in [0, 1]. */
  static float[] resample(Pixels src, Axis ax, Axis ay, int resolution) {
    int channels = src.channels();
    int rowFloats = resolution * channels;
    int r0 = Integer.MAX_VALUE;
    int r1 = 0;
    for (int y = 0; y < resolution; y++) {
      r0 = Math.min(r0, ay.start()[y]);
      r1 = Math.max(r1, ay.start()[y] + ay.count()[y]);
    }
    float[] tmp = scratch((r1 - r0) * rowFloats);
    horizontal(src, ax, r0, r1, resolution, tmp);
    float[] out = new float[channels * resolution * resolution];
    float[] acc = new float[rowFloats];
    int plane = resolution * resolution;
    float inv255 = 1f / 255f;
    for (int y = 0; y < resolution; y++) {
      Arrays.fill(acc, 0f);
      int base = y * ay.taps();
      for (int k = 0; k < ay.count()[y]; k++) {
        float w = ay.weights()[base + k] * inv255;
        int row = (ay.start()[y] + k - r0) * rowFloats;
        for (int i = 0; i < rowFloats; i++) {
          acc[i] += w * tmp[row + i];
        }
      }
      int o = y * resolution;
      if (channels == 1) {
        System.arraycopy(acc, 0, out, o, resolution);
      } else {
        for (int x = 0, i = 0; x < resolution; x++, i += 3) {
          out[o + x] = acc[i];
          out[plane + o + x] = acc[i + 1];
          out[2 * plane + o + x] = acc[i + 2];
        }
      }
    }
    // rounding can put a weighted average of 255s a few ulps above 1
    for (int i = 0; i < out.length; i++) {
      if (out[i] > 1f) {
        out[i] = 1f;
      }
    }
    return out;
  }

  private static void horizontal(Pixels src, Axis ax, int r0, int r1, int resolution, float[] tmp) {
    byte[] d = src.data();
    int stride = src.width() * src.channels();
    int taps = ax.taps();
    int[] start = ax.start();
    int[] count = ax.count();
    float[] weights = ax.weights();
    if (src.channels() == 1) {
      for (int r = r0; r < r1; r++) {
        int row = r * stride;
        int t = (r - r0) * resolution;
        for (int x = 0; x < resolution; x++) {
          int p = row + start[x];
          int wb = x * taps;
          float a = 0;
          for (int k = 0; k < count[x]; k++) {
            a += weights[wb + k] * (d[p + k] & 0xFF);
          }
          tmp[t + x] = a;
        }
      }
      return;
    }
    for (int r = r0; r < r1; r++) {
      int row = r * stride;
      int t = (r - r0) * resolution * 3;
      for (int x = 0; x < resolution; x++) {
        int p = row + start[x] * 3;
        int wb = x * taps;
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        for (int k = 0; k < count[x]; k++, p += 3) {
          float w = weights[wb + k];
          a0 += w * (d[p] & 0xFF);
          a1 += w * (d[p + 1] & 0xFF);
          a2 += w * (d[p + 2] & 0xFF);
        }
        tmp[t + 3 * x] = a0;
        tmp[t + 3 * x + 1] = a1;
        tmp[t + 3 * x + 2] = a2;
      }
    }
  }

  private static float[] scratch(int size) {
    float[] s = SCRATCH.get();
    if (s.length < size) {
      s = new float[size];
      SCRATCH.set(s);
    }
    return s;
  }
}
