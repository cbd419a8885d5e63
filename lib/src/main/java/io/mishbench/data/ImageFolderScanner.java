package io.mishbench.data;

import io.mishbench.fs.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists an ImageNet-style dataset on any Hadoop FileSystem: {@code train/<class>/<image>} and
 * {@code val/<class>/<image>}. Class indices are the positions of the sorted train class names.
 *
 * <p>Every layout problem (missing folders, a class with no images, a val class that train lacks) is
 * reported at once in one IllegalArgumentException. Files that are not images by their extension are
 * skipped with a reason; hidden files ({@code .*}, {@code _*}) are ignored.
 */
public final class ImageFolderScanner {

  static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private ImageFolderScanner() {}

  /** One image and its class index. */
  public record LabeledFile(String path, int label) implements Serializable {}

  /** A file left out of the dataset and why. */
  public record Skipped(String path, String reason) implements Serializable {}

  /** The listing of a dataset. */
  public record Listing(List<String> classes, List<LabeledFile> train, List<LabeledFile> val, List<Skipped> skipped) {}

  /** Lists {@code root}. */
  public static Listing scan(URI root, Configuration conf) {
    try {
      FileSystem fs = HadoopFiles.fs(root, conf);
      Path rootPath = new Path(root);
      if (!fs.exists(rootPath)) {
        throw new IllegalArgumentException("dataset path does not exist: " + root);
      }
      if (!fs.getFileStatus(rootPath).isDirectory()) {
        throw new IllegalArgumentException("dataset path is not a folder: " + root);
      }
      List<String> problems = new ArrayList<>();
      Path trainDir = new Path(rootPath, "train");
      Path valDir = new Path(rootPath, "val");
      for (Path dir : List.of(trainDir, valDir)) {
        if (!fs.exists(dir)) {
          problems.add("missing folder " + dir + " (expected " + dir.getName() + "/<class>/<image>)");
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("dataset " + root + " is not ImageNet-style: " + String.join("; ", problems));
      }
      List<String> classes = subfolders(fs, trainDir);
      if (classes.isEmpty()) {
        throw new IllegalArgumentException("dataset " + root + " is empty: " + trainDir + " has no class folders");
      }
      List<Skipped> skipped = new ArrayList<>();
      List<LabeledFile> train = list(fs, trainDir, classes, skipped, problems);
      List<LabeledFile> val = list(fs, valDir, classes, skipped, problems);
      for (String c : subfolders(fs, valDir)) {
        if (!classes.contains(c)) {
          problems.add("val class '" + c + "' has no train folder");
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("dataset " + root + ": " + String.join("; ", problems));
      }
      return new Listing(List.copyOf(classes), train, val, skipped);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("dataset path does not exist: " + root + " (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list dataset " + root + ": " + e.getMessage(), e);
    }
  }

  private static List<String> subfolders(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return List.of();
    }
    return Arrays.stream(fs.listStatus(dir))
        .filter(FileStatus::isDirectory)
        .map(s -> s.getPath().getName())
        .filter(n -> !hidden(n))
        .sorted()
        .toList();
  }

  private static List<LabeledFile> list(
      FileSystem fs, Path splitDir, List<String> classes, List<Skipped> skipped, List<String> problems)
      throws IOException {
    List<LabeledFile> files = new ArrayList<>();
    boolean isTrain = splitDir.getName().equals("train");
    for (int label = 0; label < classes.size(); label++) {
      Path classDir = new Path(splitDir, classes.get(label));
      if (!fs.exists(classDir)) {
        continue;
      }
      FileStatus[] entries = fs.listStatus(classDir);
      Arrays.sort(entries, Comparator.comparing(s -> s.getPath().getName()));
      int images = 0;
      for (FileStatus s : entries) {
        String name = s.getPath().getName();
        if (hidden(name)) {
          continue;
        }
        String path = s.getPath().toString();
        if (s.isDirectory()) {
          skipped.add(new Skipped(path, "nested folder inside a class folder"));
        } else if (!IMAGE_EXTENSIONS.contains(extension(name))) {
          skipped.add(new Skipped(path, "not an image file (extension '" + extension(name) + "')"));
        } else if (s.getLen() == 0) {
          skipped.add(new Skipped(path, "empty file"));
        } else {
          files.add(new LabeledFile(path, label));
          images++;
        }
      }
      if (isTrain && images == 0) {
        problems.add("class '" + classes.get(label) + "' has no images in " + splitDir);
      }
    }
    return files;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
