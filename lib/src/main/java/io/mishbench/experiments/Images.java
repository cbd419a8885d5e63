package io.mishbench.experiments;

import io.mishbench.data.FashionMnistImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images as a network sees them: {@code features} [n, 784] float32 pixels in [0, 1] (row by row),
 * {@code labels} [n, 10] one-hot.
 */
public record Images(INDArray features, INDArray labels) {

  public Images {
    if (features.rank() != 2 || labels.rank() != 2 || features.size(0) != labels.size(0)) {
      throw new IllegalArgumentException("features [n, pixels] and labels [n, classes] must have the same n, got "
          + Arrays.toString(features.shape()) + " and " + Arrays.toString(labels.shape()));
    }
  }

  public int count() {
    return (int) features.size(0);
  }

  /** The first {@code n} images (all when {@code n} is 0 or at least {@link #count}). */
  public Images first(int n) {
    if (n <= 0 || n >= count()) {
      return this;
    }
    return new Images(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n),
        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(),
        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
  }

  /** The same labels with other features (e.g. noisy or adversarial images). */
  public Images withFeatures(INDArray other) {
    return new Images(other, labels);
  }

  /**
   * The first {@code limit} images (0 = all) of Fashion-MNIST's training or test split, read from the IDX
   * files in {@code idxDir} ({@link FashionMnistImporter#read}).
   */
  public static Images fashionMnist(Path idxDir, boolean train, int limit) throws IOException {
    FashionMnistImporter.Split split = FashionMnistImporter.read(idxDir, train);
    int n = limit <= 0 ? split.images().length : Math.min(limit, split.images().length);
    float[] pixels = new float[n * 784];
    float[] onehot = new float[n * 10];
    for (int i = 0; i < n; i++) {
      byte[] img = split.images()[i];
      for (int j = 0; j < 784; j++) {
        pixels[i * 784 + j] = (img[j] & 0xFF) / 255f;
      }
      onehot[i * 10 + (split.labels()[i] & 0xFF)] = 1f;
    }
    return new Images(Nd4j.create(pixels, new long[] {n, 784}, DataType.FLOAT),
        Nd4j.create(onehot, new long[] {n, 10}, DataType.FLOAT));
  }
}
