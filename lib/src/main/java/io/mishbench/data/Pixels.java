package io.mishbench.data;

/**
 * A decoded 8-bit image: {@code height} rows of {@code width} pixels of {@code channels} unsigned
 * bytes each, interleaved (HWC order). Grey images have one channel, colour images three (R, G, B).
 *
 * <p>The common currency between the shard reader and the augmentations: decoding produces it,
 * cropping and resizing consume it.
 */
public record Pixels(int width, int height, int channels, byte[] data) {

  public Pixels {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    if (data.length != (long) width * height * channels) {
      throw new IllegalArgumentException(
          "a " + width + "x" + height + "x" + channels + " image needs " + ((long) width * height * channels)
              + " bytes, got " + data.length);
    }
  }

  /** The unsigned value of channel {@code c} at column {@code x}, row {@code y}. */
  public int get(int x, int y, int c) {
    return data[(y * width + x) * channels + c] & 0xFF;
  }
}
