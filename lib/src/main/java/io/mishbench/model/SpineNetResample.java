package io.mishbench.model;

/**
 * spinenet.py's {@code resample_with_alpha}: brings a parent feature map to a scale-permuted block's
 * size and channels.
 * <ol>
 *   <li>1x1 convolution to int(alpha x filters) channels (alpha 0.5; filters are the parent's
 *       channels, divided by 4 for a bottleneck parent), batch norm, activation;
 *   <li>going down: a 3x3 stride-2 convolution (same channels), batch norm, activation; then, when the
 *       size ratio (whole part) is above 2, a 'same' max pool of stride 2 (or ratio / 2 when the ratio
 *       is whole) and window 3 (5 when the ratio is above 4); then a nearest resize if the size is
 *       still not the target's (224-pixel inputs: level 4 to 7 gives 3x3, resized to 2x2);
 *   <li>going up: nearest up-sampling to the target size ({@link Blocks#resize}: whole factors as
 *       spatial_transform_ops.nearest_upsampling, others as native_resize);
 *   <li>1x1 convolution to the target block's channels (4x its filters for a bottleneck) and batch
 *       norm, without activation (the block adds its parents, then applies the activation).
 * </ol>
 * Sizes are tracked as TensorFlow computes them: DL4J's 3x3 stride-2 convolution padded by 1 and its
 * 'same' max pool both give ceil(size / stride), as TensorFlow's fixed-padding convolution and 'SAME'
 * pooling do.
 */
final class SpineNetResample {

  /** resample_alpha of SpineNet-49. */
  static final double ALPHA = 0.5;

  private SpineNetResample() {}

  /**
   * @param size the target block's height and width
   * @param channels the target block's input channels
   * @return the resampled vertex
   */
  static String resample(Blocks blocks, String name, SpineNetFamily.Feature parent, int size, int channels) {
    int filters = parent.bottleneck ? parent.channels / SpineNetFamily.EXPANSION : parent.channels;
    int reduced = Math.max(1, (int) (filters * ALPHA));
    String x = blocks.convBnAct(name + "_reduce", parent.vertex, reduced, 1, 1);
    int from = parent.size;
    if (from > size) {
      x = blocks.convBnAct(name + "_down", x, reduced, 3, 2);
      int now = ceilDiv(from, 2);
      if (from / size > 2) {
        int stride = from % size != 0 ? 2 : from / size / 2;
        int window = from <= 4 * size ? 3 : 5;
        x = blocks.maxPool(name + "_pool", x, window, stride);
        now = ceilDiv(now, stride);
      }
      x = blocks.resize(name + "_resize", x, now, size);
    } else if (from < size) {
      x = blocks.resize(name + "_resize", x, from, size);
    }
    return blocks.convBn(name + "_match", x, channels, 1, 1);
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
