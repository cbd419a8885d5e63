package io.mishbench.experiments;

import io.mishbench.data.FashionMnistImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fashion-MNIST examples for the landscapes, read from the IDX files by
 * {@link FashionMnistImporter#read}: pixels / 255, one-hot labels of 10 classes, shaped for a network's
 * input (bilinear resize and repeated channels when it is not 28 x 28 grey).
 */
public final class LandscapeData {

  public static final int CLASSES = 10;
  private static final int SIDE = 28;

  private LandscapeData() {}

  /** Which of the two sets. */
  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  /** Throws an IllegalArgumentException naming the missing IDX files of {@code split} in {@code dir}. */
  public static void check(Path dir, Split split) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Fashion-MNIST folder " + dir + " does not exist");
    }
    List<String> missing = FashionMnistImporter.missingFiles(dir).stream().filter(f -> f.startsWith(split.prefix)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing Fashion-MNIST file(s) " + String.join(", ", missing) + " in " + dir);
    }
  }

  /**
   * The first {@code n} examples of {@code split} ({@link FashionMnistImporter#read}), shaped for
   * {@code inputShape} ({@link LandscapeNetwork#inputShape}).
   */
  public static DataSet read(Path dir, Split split, int n, long[] inputShape) {
    check(dir, split);
    FashionMnistImporter.Split all;
    try {
      all = FashionMnistImporter.read(dir, split == Split.TRAIN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir + ": " + e.getMessage(), e);
    }
    int count = Math.min(n, all.labels().length);
    byte[] pixels = new byte[count * SIDE * SIDE];
    INDArray y = Nd4j.zeros(count, CLASSES);
    for (int i = 0; i < count; i++) {
      System.arraycopy(all.images()[i], 0, pixels, i * SIDE * SIDE, SIDE * SIDE);
      y.putScalar(i, all.labels()[i] & 0xff, 1.0);
    }
    return new DataSet(features(pixels, count, inputShape), y);
  }

  private static INDArray features(byte[] pixels, int count, long[] shape) {
    int channels;
    int h;
    int w;
    if (shape.length == 3) {
      channels = (int) shape[0];
      h = (int) shape[1];
      w = (int) shape[2];
    } else if (shape.length == 1 && shape[0] % (SIDE * SIDE) == 0) {
      channels = (int) (shape[0] / (SIDE * SIDE));
      h = SIDE;
      w = SIDE;
    } else {
      throw new IllegalArgumentException("a network with input " + Arrays.toString(shape)
          + " does not take Fashion-MNIST's 28 x 28 grey images (flat: a multiple of 784 features; images: [c, h, w])");
    }
    float[] out = new float[count * channels * h * w];
    float[] img = new float[SIDE * SIDE];
    for (int n = 0; n < count; n++) {
      for (int k = 0; k < img.length; k++) {
        img[k] = (pixels[n * img.length + k] & 0xff) / 255f;
      }
      float[] resized = h == SIDE && w == SIDE ? img : resize(img, h, w);
      for (int c = 0; c < channels; c++) {
        System.arraycopy(resized, 0, out, ((n * channels) + c) * h * w, h * w);
      }
    }
    long[] full = shape.length == 3 ? new long[] {count, channels, h, w} : new long[] {count, shape[0]};
    return Nd4j.create(out, full, 'c');
  }

  /** Bilinear resize of a 28 x 28 image (pixel centres aligned). */
  static float[] resize(float[] src, int h, int w) {
    float[] dst = new float[h * w];
    for (int y = 0; y < h; y++) {
      double sy = Math.min(Math.max((y + 0.5) * SIDE / h - 0.5, 0), SIDE - 1);
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, SIDE - 1);
      double fy = sy - y0;
      for (int x = 0; x < w; x++) {
        double sx = Math.min(Math.max((x + 0.5) * SIDE / w - 0.5, 0), SIDE - 1);
        int x0 = (int) sx;
        int x1 = Math.min(x0 + 1, SIDE - 1);
        double fx = sx - x0;
        double top = src[y0 * SIDE + x0] * (1 - fx) + src[y0 * SIDE + x1] * fx;
        double bottom = src[y1 * SIDE + x0] * (1 - fx) + src[y1 * SIDE + x1] * fx;
        dst[y * w + x] = (float) (top * (1 - fy) + bottom * fy);
      }
    }
    return dst;
  }
}
