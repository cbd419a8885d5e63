package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;

/**
 * What network to build.
 *
 * @param name model family, one of {@link ModelZoo#NAMES}
 * @param activation activation name as {@link ActivationRegistry} accepts it
 * @param classes number of output classes, at least 2
 * @param resolution input height and width in pixels, at least the family's down-sampling factor
 * @param channels input channels, 1 (grey) or 3 (RGB)
 * @param width channel multiplier applied to every layer, in (0, 16]
 * @param depth block-count multiplier applied to every stage, in (0, 16]
 */
public record ModelSpec(
    String name, String activation, int classes, int resolution, int channels, double width, double depth) {

  public ModelSpec {
    activation = ActivationRegistry.canonicalName(activation);
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be >= 2, got " + classes);
    }
    int min = ModelZoo.minResolution(name);
    if (resolution < min) {
      throw new IllegalArgumentException(
          name + " down-samples by " + min + " (" + ModelZoo.minResolutionReason(name) + "): resolution must be >= "
              + min + " pixels, got " + resolution);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (!(width > 0 && width <= 16)) {
      throw new IllegalArgumentException("width multiplier must be in (0, 16], got " + width);
    }
    if (!(depth > 0 && depth <= 16)) {
      throw new IllegalArgumentException("depth multiplier must be in (0, 16], got " + depth);
    }
  }

  /** Scales a channel count by {@link #width}, keeping it at least 4 and even. */
  int channels(int base) {
    int c = (int) Math.round(base * width);
    return Math.max(4, c + (c & 1));
  }

  /** Scales a block count by {@link #depth}, keeping at least one block. */
  int blocks(int base) {
    return Math.max(1, (int) Math.round(base * depth));
  }
}
