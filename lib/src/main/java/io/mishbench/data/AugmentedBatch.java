package io.mishbench.data;

import java.util.List;

/**
 * A minibatch ready for the network: features {@code [size, channels, height, width]} and soft labels
 * {@code [size, classes]}, both flat and row-major (what {@code Nd4j.create(float[], long[])} takes), and
 * which mix each example received. Every label row sums to 1. Arrays are shared, not copied: equality is
 * identity.
 *
 * @param features {@code size * channels * height * width} floats, example-major, each example CHW
 * @param labels {@code size * classes} floats
 * @param mixes the mix applied to each example, in order
 */
public record AugmentedBatch(
    float[] features, float[] labels, int size, int channels, int height, int width, int classes, List<Mix> mixes) {

  /** What {@link BatchAugmenter} did to one example. */
  public enum Mix {
    /** left as it was (apart from label smoothing) */
    NONE,
    /** a rectangle of another example pasted in */
    CUTMIX,
    /** blended with another example */
    MIXUP,
    /** four examples tiled around a centre */
    MOSAIC
  }

  public AugmentedBatch {
    if (size < 1 || channels < 1 || height < 1 || width < 1 || classes < 1) {
      throw new IllegalArgumentException("batch dimensions must be >= 1, got size " + size + ", " + channels + "x"
          + height + "x" + width + ", " + classes + " classes");
    }
    if (features.length != (long) size * channels * height * width) {
      throw new IllegalArgumentException("features must hold " + ((long) size * channels * height * width)
          + " floats, got " + features.length);
    }
    if (labels.length != (long) size * classes) {
      throw new IllegalArgumentException("labels must hold " + ((long) size * classes) + " floats, got " + labels.length);
    }
    mixes = List.copyOf(mixes);
    if (mixes.size() != size) {
      throw new IllegalArgumentException("one mix per example expected, got " + mixes.size() + " for " + size);
    }
  }

  /** The label weight of class {@code cls} for example {@code example}. */
  public float label(int example, int cls) {
    return labels[example * classes + cls];
  }

  /** {@code [size, channels, height, width]}. */
  public long[] featureShape() {
    return new long[] {size, channels, height, width};
  }

  /** {@code [size, classes]}. */
  public long[] labelShape() {
    return new long[] {size, classes};
  }
}
