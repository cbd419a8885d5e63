package io.mishbench.data;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Turns the Fashion-MNIST IDX files (as Debian's {@code dataset-fashion-mnist} installs them under
 * /usr/share/datasets/fashion-mnist, gzipped or not) into an ImageNet-style folder of PNGs:
 * {@code train/<class>/<n>.png} from the 60,000 training images and {@code val/<class>/<n>.png} from
 * the 10,000 test images. Class folders are numbered so their sorted order is Fashion-MNIST's label
 * order.
 */
public final class FashionMnistImporter {

  /** Folder names of the ten classes, in label order. */
  public static final List<String> CLASSES =
      List.of("0-tshirt-top", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal", "6-shirt", "7-sneaker",
          "8-bag", "9-ankle-boot");

  /** More images or labels than any IDX file of the set holds (60,000): a header claiming more is corrupt. */
  static final int MAX_COUNT = 1_000_000;

  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private FashionMnistImporter() {}

  /**
   * What to import.
   *
   * @param idxDir folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
   * @param output folder to create the ImageNet-style tree in
   * @param trainPerClass at most this many training images per class (0: all)
   * @param valPerClass at most this many validation images per class (0: all)
   */
  public record Options(Path idxDir, Path output, int trainPerClass, int valPerClass) {
    public Options {
      if (trainPerClass < 0 || valPerClass < 0) {
        throw new IllegalArgumentException(
            "per-class limits must be >= 0 (0 = all), got " + trainPerClass + " and " + valPerClass);
      }
    }
  }

  /** Counts written per split. */
  public record Result(int train, int val) {}

  /**
   * The raw images (28 x 28 bytes each, row by row) and labels (0..9) of one split.
   *
   * @param images one 784-byte array per image
   * @param labels one label per image
   */
  public record Split(byte[][] images, byte[] labels) {}

  /**
   * Reads one split straight from the IDX files (no PNGs): {@code train} (60,000 images) when
   * {@code train}, else {@code t10k} (10,000). Fails with an IllegalArgumentException naming a missing or
   * malformed file, or a label outside 0..9.
   */
  public static Split read(Path idxDir, boolean train) throws IOException {
    if (!Files.isDirectory(idxDir)) {
      throw new IllegalArgumentException("Fashion-MNIST folder does not exist: " + idxDir);
    }
    String prefix = train ? "train" : "t10k";
    byte[][] images = readImages(locate(idxDir, prefix + "-images-idx3-ubyte"));
    byte[] labels = readLabels(locate(idxDir, prefix + "-labels-idx1-ubyte"));
    if (images.length != labels.length) {
      throw new IllegalArgumentException(
          prefix + ": " + images.length + " images but " + labels.length + " labels in " + idxDir);
    }
    for (int i = 0; i < labels.length; i++) {
      if ((labels[i] & 0xFF) >= CLASSES.size()) {
        throw new IllegalArgumentException(prefix + ": label " + (labels[i] & 0xFF) + " of image " + i + " is not in 0..9");
      }
    }
    return new Split(images, labels);
  }

  /** The IDX files {@link #read} needs that are missing from {@code idxDir} (empty when all are there). */
  public static List<String> missingFiles(Path idxDir) {
    List<String> missing = new ArrayList<>();
    for (String prefix : List.of("train", "t10k")) {
      for (String kind : List.of("-images-idx3-ubyte", "-labels-idx1-ubyte")) {
        String base = prefix + kind;
        if (!Files.isRegularFile(idxDir.resolve(base)) && !Files.isRegularFile(idxDir.resolve(base + ".gz"))) {
          missing.add(base + "[.gz]");
        }
      }
    }
    return missing;
  }

  /** Imports; fails with an IllegalArgumentException naming a missing or malformed file. */
  public static Result importTo(Options o) throws IOException {
    if (!Files.isDirectory(o.idxDir())) {
      throw new IllegalArgumentException("Fashion-MNIST folder does not exist: " + o.idxDir());
    }
    int train = convert(o.idxDir(), "train", o.output().resolve("train"), o.trainPerClass());
    int val = convert(o.idxDir(), "t10k", o.output().resolve("val"), o.valPerClass());
    return new Result(train, val);
  }

  private static int convert(Path dir, String prefix, Path out, int perClassLimit) throws IOException {
    Split split = read(dir, prefix.equals("train"));
    byte[][] images = split.images();
    byte[] labels = split.labels();
    for (String c : CLASSES) {
      Files.createDirectories(out.resolve(c));
    }
    int[] perClass = new int[CLASSES.size()];
    int written = 0;
    Set<Path> files = new HashSet<>();
    for (int i = 0; i < images.length; i++) {
      int label = labels[i] & 0xFF;
      if (label >= CLASSES.size()) {
        throw new IllegalArgumentException(prefix + ": label " + label + " of image " + i + " is not in 0..9");
      }
      if (perClassLimit > 0 && perClass[label] >= perClassLimit) {
        continue;
      }
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      img.getRaster().setDataElements(0, 0, 28, 28, images[i]);
      Path file = out.resolve(CLASSES.get(label)).resolve(String.format("%05d.png", i));
      ImageIO.write(img, "png", file.toFile());
      files.add(file);
      perClass[label]++;
      written++;
    }
    // images of an earlier import into this folder (with more images, or other limits) would
    // otherwise stay and be prepared with this one's
    for (String c : CLASSES) {
      try (var existing = Files.list(out.resolve(c))) {
        for (Path p : existing.filter(p -> p.getFileName().toString().matches("\\d{5,}\\.png")).toList()) {
          if (!files.contains(p)) {
            Files.delete(p);
          }
        }
      }
    }
    return written;
  }

  private static Path locate(Path dir, String base) {
    for (String name : List.of(base + ".gz", base)) {
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    throw new IllegalArgumentException("missing Fashion-MNIST file " + base + "[.gz] in " + dir);
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
    return new DataInputStream(p.toString().endsWith(".gz") ? new GZIPInputStream(in) : in);
  }

  private static byte[][] readImages(Path p) throws IOException {
    try (DataInputStream in = open(p)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new IllegalArgumentException(p + " is not an IDX image file (magic " + magic + ", expected 2051)");
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows != 28 || cols != 28 || n < 0 || n > MAX_COUNT) {
        throw new IllegalArgumentException(p + ": expected up to " + MAX_COUNT + " images of 28x28, the header claims "
            + n + " of " + rows + "x" + cols + " (a corrupt or foreign IDX file)");
      }
      List<byte[]> images = new ArrayList<>(); // grown as read: a lying count cannot allocate
      try {
        while (images.size() < n) {
          byte[] img = new byte[28 * 28];
          in.readFully(img);
          images.add(img);
        }
      } catch (java.io.EOFException e) {
        throw new IllegalArgumentException(p + ": the header claims " + n + " images, the file ends after "
            + images.size() + " (truncated)");
      }
      return images.toArray(new byte[0][]);
    }
  }

  private static byte[] readLabels(Path p) throws IOException {
    try (DataInputStream in = open(p)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new IllegalArgumentException(p + " is not an IDX label file (magic " + magic + ", expected 2049)");
      }
      int n = in.readInt();
      if (n < 0 || n > MAX_COUNT) {
        throw new IllegalArgumentException(p + ": expected up to " + MAX_COUNT + " labels, the header claims " + n
            + " (a corrupt or foreign IDX file)");
      }
      byte[] labels = in.readNBytes(n);
      if (labels.length < n) {
        throw new IllegalArgumentException(p + ": the header claims " + n + " labels, the file ends after "
            + labels.length + " (truncated)");
      }
      return labels;
    }
  }
}
