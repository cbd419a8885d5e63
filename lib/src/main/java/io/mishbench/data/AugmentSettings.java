package io.mishbench.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How training images are augmented: per image by {@link ImageAugmenter}, per minibatch by
 * {@link BatchAugmenter}. Validated on construction; every message names the experiment-file key
 * (see {@link #KEYS}), its range and the offending value.
 *
 * <p>Named presets ({@link #preset}): {@code none} (evaluation-style resize and centre crop, nothing
 * random), {@code basic} (random-resized crop and flip), {@code paper} (the Mish paper's Darknet recipe:
 * crop, flip, colour jitter, CutMix, Mosaic, label smoothing 0.1), {@code cutmix} and {@code mixup}
 * (crop, flip and that one mix on every image, as their papers train ImageNet).
 *
 * @param randomResizedCrop crop a random area and aspect ratio (torchvision's RandomResizedCrop), else
 *     resize the shorter side and centre-crop as evaluation does
 * @param minScale smallest crop area as a fraction of the image, (0, maxScale]
 * @param maxScale largest crop area as a fraction of the image, [minScale, 1]
 * @param minAspect smallest crop width/height, [0.1, maxAspect]
 * @param maxAspect largest crop width/height, [minAspect, 10]
 * @param flip probability of a horizontal flip, [0, 1]
 * @param hue largest hue shift as a fraction of the hue circle, [0, 0.5]: the shift is uniform in
 *     [-hue, hue]
 * @param saturation saturation factor bound, [1, 10]: saturation is multiplied by Darknet's
 *     {@code rand_scale}, uniform in [1, s] and inverted half of the time, so within [1/s, s]
 * @param exposure brightness (HSV value) factor bound, [1, 10], drawn like {@code saturation}
 * @param cutmix probability that an image gets a rectangle of another image of its minibatch pasted in
 *     (CutMix), [0, 1]
 * @param cutmixAlpha CutMix's Beta(alpha, alpha) for the kept area, (0, 100]
 * @param mixup probability that an image is blended with another image of its minibatch (MixUp), [0, 1]
 * @param mixupAlpha MixUp's Beta(alpha, alpha) for the blend weight, (0, 100]
 * @param mosaic probability that an image becomes a 2x2 mosaic of itself and three others around a
 *     random centre (Darknet's classifier Mosaic), [0, 1]; {@code cutmix + mixup + mosaic <= 1}: each
 *     image gets at most one of the three
 * @param labelSmoothing epsilon of label smoothing, [0, 1): a label row y becomes
 *     {@code (1 - epsilon) y + epsilon / classes}
 */
public record AugmentSettings(
    boolean randomResizedCrop,
    double minScale,
    double maxScale,
    double minAspect,
    double maxAspect,
    double flip,
    double hue,
    double saturation,
    double exposure,
    double cutmix,
    double cutmixAlpha,
    double mixup,
    double mixupAlpha,
    double mosaic,
    double labelSmoothing)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The experiment-file keys of one preset, in {@link #asMap()} order. */
  public static final List<String> KEYS = List.of(
      "random-resized-crop", "crop-scale", "crop-aspect", "flip", "hue", "saturation", "exposure",
      "cutmix", "cutmix-alpha", "mixup", "mixup-alpha", "mosaic", "label-smoothing");

  /** Evaluation-style: resize the shorter side, centre-crop; no randomness, no mixing, hard labels. */
  public static final AugmentSettings NONE =
      new AugmentSettings(false, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0, 0, 1, 1, 0, 1.0, 0, 0.2, 0, 0);

  /** Random-resized crop (area 8%-100%, aspect 3/4-4/3) and horizontal flip with probability 0.5. */
  public static final AugmentSettings BASIC = NONE.toBuilder().randomResizedCrop(true).flip(0.5).build();

  /**
   * The Mish paper's ImageNet recipe (Darknet cfg: {@code hue=.1 saturation=1.5 exposure=1.5 cutmix=1
   * mosaic=1 label_smooth_eps=0.1}) on top of {@link #BASIC}. Darknet mixes half of its loads and then
   * picks CutMix or Mosaic per image with equal odds, so each is applied to a quarter of the images.
   */
  public static final AugmentSettings PAPER = BASIC.toBuilder()
      .hue(0.1).saturation(1.5).exposure(1.5).cutmix(0.25).mosaic(0.25).labelSmoothing(0.1).build();

  /** {@link #BASIC} plus CutMix on every image with alpha 1 (Yun et al.'s ImageNet setting). */
  public static final AugmentSettings CUTMIX = BASIC.toBuilder().cutmix(1.0).build();

  /** {@link #BASIC} plus MixUp on every image with alpha 0.2 (Zhang et al.'s ImageNet setting). */
  public static final AugmentSettings MIXUP = BASIC.toBuilder().mixup(1.0).build();

  private static final Map<String, AugmentSettings> BUILT_IN =
      presetMap(List.of("none", "basic", "paper", "cutmix", "mixup"), List.of(NONE, BASIC, PAPER, CUTMIX, MIXUP));

  /** Names of the built-in presets. */
  public static final List<String> PRESETS = List.copyOf(BUILT_IN.keySet());

  public AugmentSettings {
    List<String> problems = check(minScale, maxScale, minAspect, maxAspect, flip, hue, saturation,
        exposure, cutmix, cutmixAlpha, mixup, mixupAlpha, mosaic, labelSmoothing);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The built-in preset {@code name}; the message of an unknown name lists the known ones. */
  public static AugmentSettings preset(String name) {
    AugmentSettings s = BUILT_IN.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown augmentation '" + name + "'; known: " + String.join(", ", PRESETS));
    }
    return s;
  }

  /** Whether some images of a minibatch may be mixed with others (CutMix, MixUp or Mosaic). */
  public boolean mixes() {
    return cutmix > 0 || mixup > 0 || mosaic > 0;
  }

  /** Whether colour jitter can change an image. */
  public boolean jitters() {
    return hue > 0 || saturation > 1 || exposure > 1;
  }

  /**
   * Every setting under its experiment-file key ({@link #KEYS}), ranges as two-element lists: what a run
   * records and hashes, so that a changed preset never reuses another preset's results.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("random-resized-crop", randomResizedCrop);
    m.put("crop-scale", List.of(minScale, maxScale));
    m.put("crop-aspect", List.of(minAspect, maxAspect));
    m.put("flip", flip);
    m.put("hue", hue);
    m.put("saturation", saturation);
    m.put("exposure", exposure);
    m.put("cutmix", cutmix);
    m.put("cutmix-alpha", cutmixAlpha);
    m.put("mixup", mixup);
    m.put("mixup-alpha", mixupAlpha);
    m.put("mosaic", mosaic);
    m.put("label-smoothing", labelSmoothing);
    return m;
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static List<String> check(
      double minScale, double maxScale, double minAspect, double maxAspect, double flip,
      double hue, double saturation, double exposure, double cutmix, double cutmixAlpha, double mixup,
      double mixupAlpha, double mosaic, double labelSmoothing) {
    List<String> p = new ArrayList<>();
    if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
      p.add(String.format(Locale.ROOT, "crop-scale: must be [min, max] with 0 < min <= max <= 1, got [%s, %s]",
          minScale, maxScale));
    }
    if (!(minAspect >= 0.1 && minAspect <= maxAspect && maxAspect <= 10)) {
      p.add(String.format(Locale.ROOT, "crop-aspect: must be [min, max] with 0.1 <= min <= max <= 10, got [%s, %s]",
          minAspect, maxAspect));
    }
    closed(p, "flip", flip, 0, 1);
    closed(p, "hue", hue, 0, 0.5);
    closed(p, "saturation", saturation, 1, 10);
    closed(p, "exposure", exposure, 1, 10);
    closed(p, "cutmix", cutmix, 0, 1);
    if (!(cutmixAlpha > 0 && cutmixAlpha <= 100)) {
      p.add("cutmix-alpha: must be in (0, 100], got " + cutmixAlpha);
    }
    closed(p, "mixup", mixup, 0, 1);
    if (!(mixupAlpha > 0 && mixupAlpha <= 100)) {
      p.add("mixup-alpha: must be in (0, 100], got " + mixupAlpha);
    }
    closed(p, "mosaic", mosaic, 0, 1);
    double mixSum = cutmix + mixup + mosaic;
    if (mixSum > 1 + 1e-9) {
      p.add("cutmix + mixup + mosaic: must be at most 1 (each image gets at most one of them), got " + mixSum);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      p.add("label-smoothing: must be in [0, 1), got " + labelSmoothing);
    }
    return p;
  }

  private static void closed(List<String> problems, String key, double v, double min, double max) {
    if (!(v >= min && v <= max)) {
      problems.add(key + ": must be in [" + fmt(min) + ", " + fmt(max) + "], got " + v);
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static Map<String, AugmentSettings> presetMap(List<String> names, List<AugmentSettings> settings) {
    Map<String, AugmentSettings> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), settings.get(i));
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Mutable settings for building a preset key by key (an experiment file overriding some keys of a
   * base preset); {@link #problems()} reports every invalid value at once, {@link #build()} validates.
   */
  public static final class Builder {
    private boolean randomResizedCrop;
    private double minScale;
    private double maxScale;
    private double minAspect;
    private double maxAspect;
    private double flip;
    private double hue;
    private double saturation;
    private double exposure;
    private double cutmix;
    private double cutmixAlpha;
    private double mixup;
    private double mixupAlpha;
    private double mosaic;
    private double labelSmoothing;

    private Builder(AugmentSettings s) {
      randomResizedCrop = s.randomResizedCrop;
      minScale = s.minScale;
      maxScale = s.maxScale;
      minAspect = s.minAspect;
      maxAspect = s.maxAspect;
      flip = s.flip;
      hue = s.hue;
      saturation = s.saturation;
      exposure = s.exposure;
      cutmix = s.cutmix;
      cutmixAlpha = s.cutmixAlpha;
      mixup = s.mixup;
      mixupAlpha = s.mixupAlpha;
      mosaic = s.mosaic;
      labelSmoothing = s.labelSmoothing;
    }

    /** See {@link AugmentSettings#randomResizedCrop()}. */
    public Builder randomResizedCrop(boolean v) {
      randomResizedCrop = v;
      return this;
    }

    /** Crop area range as fractions of the image (key {@code crop-scale}). */
    public Builder cropScale(double min, double max) {
      minScale = min;
      maxScale = max;
      return this;
    }

    /** Crop width/height range (key {@code crop-aspect}). */
    public Builder cropAspect(double min, double max) {
      minAspect = min;
      maxAspect = max;
      return this;
    }

    /** See {@link AugmentSettings#flip()}. */
    public Builder flip(double v) {
      flip = v;
      return this;
    }

    /** See {@link AugmentSettings#hue()}. */
    public Builder hue(double v) {
      hue = v;
      return this;
    }

    /** See {@link AugmentSettings#saturation()}. */
    public Builder saturation(double v) {
      saturation = v;
      return this;
    }

    /** See {@link AugmentSettings#exposure()}. */
    public Builder exposure(double v) {
      exposure = v;
      return this;
    }

    /** See {@link AugmentSettings#cutmix()}. */
    public Builder cutmix(double v) {
      cutmix = v;
      return this;
    }

    /** See {@link AugmentSettings#cutmixAlpha()}. */
    public Builder cutmixAlpha(double v) {
      cutmixAlpha = v;
      return this;
    }

    /** See {@link AugmentSettings#mixup()}. */
    public Builder mixup(double v) {
      mixup = v;
      return this;
    }

    /** See {@link AugmentSettings#mixupAlpha()}. */
    public Builder mixupAlpha(double v) {
      mixupAlpha = v;
      return this;
    }

    /** See {@link AugmentSettings#mosaic()}. */
    public Builder mosaic(double v) {
      mosaic = v;
      return this;
    }

    /** See {@link AugmentSettings#labelSmoothing()}. */
    public Builder labelSmoothing(double v) {
      labelSmoothing = v;
      return this;
    }

    /** Every invalid value as {@code key: what is wrong}; empty when {@link #build()} will succeed. */
    public List<String> problems() {
      return check(minScale, maxScale, minAspect, maxAspect, flip, hue, saturation, exposure,
          cutmix, cutmixAlpha, mixup, mixupAlpha, mosaic, labelSmoothing);
    }

    /** The validated settings. */
    public AugmentSettings build() {
      return new AugmentSettings(randomResizedCrop, minScale, maxScale, minAspect, maxAspect, flip, hue, saturation,
          exposure, cutmix, cutmixAlpha, mixup, mixupAlpha, mosaic, labelSmoothing);
    }
  }
}
