package io.mishbench.bench;

import io.mishbench.data.AugmentSettings;
import io.mishbench.data.BatchAugmenter;
import io.mishbench.data.ImageAugmenter;
import io.mishbench.data.ImageDecoder;
import io.mishbench.data.Pixels;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * How fast one core turns JPEG bytes into augmented training minibatches: ImageIO decode, then
 * {@link ImageAugmenter#train}, then {@link BatchAugmenter#apply}, each timed on the calling thread over
 * generated photograph-like images (smooth colour fields plus noise, encoded as JPEG quality 95 in
 * memory). The input pipeline must outrun training; this says by how much.
 */
public final class AugmentBenchmark {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Images run (cycling through the generated ones) before timing, so that the JIT has compiled the loops. */
  private static final int WARM_UP_IMAGES = 512;

  private AugmentBenchmark() {}

  /**
   * Times per image, in milliseconds.
   *
   * @param sourceWidth width of the generated images
   * @param sourceHeight height of the generated images
   * @param jpegKbPerImage mean encoded size
   */
  public record Result(
      int resolution,
      int images,
      int batch,
      int classes,
      int sourceWidth,
      int sourceHeight,
      double jpegKbPerImage,
      double decodeMsPerImage,
      double augmentMsPerImage,
      double batchMsPerImage) {

    /** Decode + augment + batch. */
    public double totalMsPerImage() {
      return decodeMsPerImage + augmentMsPerImage + batchMsPerImage;
    }

    /** Images one core prepares per second. */
    public double imagesPerSecPerCore() {
      return 1000 / totalMsPerImage();
    }
  }

  /**
   * Generates {@code images} JPEGs with shorter side {@code shortSide} (4:3 landscape), warms up on 512
   * images (cycling through them), then times every image once.
   *
   * @param resolution training input size, [1, 16384]
   * @param batch minibatch size for {@link BatchAugmenter}, >= 1
   * @param classes label classes (1000 for ImageNet), >= 1
   */
  public static Result run(
      AugmentSettings settings, int resolution, int images, int batch, int classes, int shortSide, long seed) {
    if (images < 1 || batch < 1 || classes < 1) {
      throw new IllegalArgumentException(
          "images, batch and classes must be >= 1, got " + images + ", " + batch + " and " + classes);
    }
    if (shortSide < 8 || shortSide > 4096) {
      throw new IllegalArgumentException("short side must be in [8, 4096], got " + shortSide);
    }
    int width = (int) Math.round(shortSide * 4 / 3.0);
    SplittableRandom rng = new SplittableRandom(seed);
    byte[][] jpegs = new byte[images][];
    long bytes = 0;
    for (int i = 0; i < images; i++) {
      jpegs[i] = jpeg(synthetic(width, shortSide, rng), 0.95f);
      bytes += jpegs[i].length;
    }
    int[] labels = new int[images];
    for (int i = 0; i < images; i++) {
      labels[i] = rng.nextInt(classes);
    }
    ImageAugmenter perImage = new ImageAugmenter(settings);
    BatchAugmenter perBatch = new BatchAugmenter(settings);
    pass(jpegs, labels, WARM_UP_IMAGES, perImage, perBatch, resolution, batch, classes, new SplittableRandom(seed + 1));
    long[] ns = pass(jpegs, labels, images, perImage, perBatch, resolution, batch, classes, rng);
    return new Result(resolution, images, batch, classes, width, shortSide, bytes / 1024.0 / images,
        ns[0] / 1e6 / images, ns[1] / 1e6 / images, ns[2] / 1e6 / images);
  }

  /** Decodes, augments and batches {@code n} images, cycling through them; nanoseconds spent in each step. */
  private static long[] pass(byte[][] jpegs, int[] labels, int n, ImageAugmenter perImage, BatchAugmenter perBatch,
      int resolution, int batch, int classes, SplittableRandom rng) {
    long[] ns = new long[3];
    float[][] images = new float[Math.min(batch, n)][];
    int[] batchLabels = new int[images.length];
    int channels = 3;
    int filled = 0;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Pixels p = decodeRgb(jpegs[i % jpegs.length]);
      long t1 = System.nanoTime();
      images[filled] = perImage.train(p, resolution, rng);
      batchLabels[filled] = labels[i % labels.length];
      filled++;
      long t2 = System.nanoTime();
      ns[0] += t1 - t0;
      ns[1] += t2 - t1;
      channels = p.channels();
      if (filled == images.length || i == n - 1) {
        float[][] imgs = filled == images.length ? images : Arrays.copyOf(images, filled);
        int[] lbls = filled == images.length ? batchLabels : Arrays.copyOf(batchLabels, filled);
        long t3 = System.nanoTime();
        perBatch.apply(imgs, channels, resolution, resolution, lbls, classes, rng);
        ns[2] += System.nanoTime() - t3;
        filled = 0;
      }
    }
    return ns;
  }

  /**
   * Decodes encoded image bytes with ImageIO into {@link Pixels} as training does
   * ({@link ImageDecoder#toPixels}): grey images as one channel, everything else as RGB.
   *
   * @throws UncheckedIOException when the bytes are not an image ImageIO reads
   */
  public static Pixels decodeRgb(byte[] encoded) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(encoded));
    } catch (IOException e) {
      throw new UncheckedIOException("undecodable image: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new UncheckedIOException(new IOException("not a readable image format"));
    }
    return ImageDecoder.toPixels(img, img.getType() == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3);
  }

  /** A photograph stand-in: two smooth colour gradients, a few soft blobs and pixel noise. */
  static BufferedImage synthetic(int width, int height, SplittableRandom rng) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    double[] base = new double[3];
    double[] dx = new double[3];
    double[] dy = new double[3];
    for (int c = 0; c < 3; c++) {
      base[c] = 40 + 150 * rng.nextDouble();
      dx[c] = (rng.nextDouble() - 0.5) * 120 / width;
      dy[c] = (rng.nextDouble() - 0.5) * 120 / height;
    }
    int blobs = 4;
    double[][] blob = new double[blobs][6]; // x, y, radius^2, colour delta r, g, b
    for (double[] b : blob) {
      b[0] = rng.nextDouble() * width;
      b[1] = rng.nextDouble() * height;
      double r = (0.1 + 0.3 * rng.nextDouble()) * height;
      b[2] = r * r;
      for (int c = 0; c < 3; c++) {
        b[3 + c] = (rng.nextDouble() - 0.5) * 160;
      }
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double[] v = {base[0] + dx[0] * x + dy[0] * y, base[1] + dx[1] * x + dy[1] * y, base[2] + dx[2] * x + dy[2] * y};
        for (double[] b : blob) {
          double d2 = (x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1]);
          double k = Math.exp(-d2 / b[2]);
          for (int c = 0; c < 3; c++) {
            v[c] += k * b[3 + c];
          }
        }
        int o = (y * width + x) * 3;
        for (int c = 0; c < 3; c++) {
          int value = (int) Math.round(v[c] + rng.nextInt(-12, 13));
          bgr[o + 2 - c] = (byte) Math.max(0, Math.min(255, value));
        }
      }
    }
    return img;
  }

  /** JPEG bytes of {@code img} at {@code quality} in [0, 1]. */
  static byte[] jpeg(BufferedImage img, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(img, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
