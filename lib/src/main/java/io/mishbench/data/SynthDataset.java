package io.mishbench.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Generates a learnable ImageNet-style dataset of RGB PNGs: class {@code k} of {@code N} is a
 * sinusoidal grating at angle {@code 180 k / N} degrees with random frequency, phase and tint, plus
 * pixel noise. Classes differ only in orientation, so a network must learn oriented filters; the
 * result is the same for the same seed.
 */
public final class SynthDataset {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private SynthDataset() {}

  /**
   * What to generate.
   *
   * @param output folder to create {@code train/} and {@code val/} in
   * @param classes number of classes, 2..1000
   * @param perClass training images per class, 1..100,000; validation gets a fifth of it (at least 2)
   * @param size image width and height in pixels, 8..1024
   * @param seed random seed
   */
  public record Options(Path output, int classes, int perClass, int size, long seed) {
    public Options {
      if (classes < 2 || classes > 1000) {
        throw new IllegalArgumentException("classes must be in [2, 1000], got " + classes);
      }
      if (perClass < 1 || perClass > 100_000) {
        throw new IllegalArgumentException("images per class must be in [1, 100000], got " + perClass);
      }
      if (size < 8 || size > 1024) {
        throw new IllegalArgumentException("image size must be in [8, 1024] pixels, got " + size);
      }
    }

    public int valPerClass() {
      return Math.max(2, perClass / 5);
    }
  }

  /** Writes the dataset; returns the number of images written. */
  public static int generate(Options o) throws IOException {
    Random random = new Random(o.seed());
    int written = 0;
    for (String split : new String[] {"train", "val"}) {
      int n = split.equals("train") ? o.perClass() : o.valPerClass();
      for (int k = 0; k < o.classes(); k++) {
        Path dir = o.output().resolve(split).resolve(String.format("class-%03d", k));
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
          ImageIO.write(image(o, k, random), "png", dir.resolve(String.format("%05d.png", i)).toFile());
          written++;
        }
      }
    }
    return written;
  }

  private static BufferedImage image(Options o, int k, Random r) {
    double angle = Math.PI * k / o.classes() + r.nextGaussian() * 0.05;
    double freq = (2 + 2 * r.nextDouble()) * 2 * Math.PI / o.size();
    double phase = r.nextDouble() * 2 * Math.PI;
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    float[] tint = {0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat(), 0.5f + 0.5f * r.nextFloat()};
    BufferedImage img = new BufferedImage(o.size(), o.size(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < o.size(); y++) {
      for (int x = 0; x < o.size(); x++) {
        double v = 0.5 + 0.4 * Math.sin(freq * (x * cos + y * sin) + phase);
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          double p = v * tint[c] + r.nextGaussian() * 0.08;
          rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(p * 255)));
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }
}
