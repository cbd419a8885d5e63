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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Lists an ImageNet-style dataset on any Hadoop FileSystem: {@code train/<class>/<image>} and either
 * {@code val/<class>/<image>} or a flat {@code val/<image>} with a labels file (see {@link ValLabels}).
 *
 * <p>Class indices are the positions of the sorted names of the train class folders that hold image
 * files, or, with a class index, the positions in that list (see {@link ClassIndex}).
 *
 * <p>Layout problems (missing folders, a val class that train lacks, a train class missing from the
 * class index, flat val images without labels) are reported at once in one IllegalArgumentException.
 * Files that cannot be used are skipped with a reason: files that are not images by their extension,
 * empty files, files outside a class folder, dangling links (local file system), nested folders, val
 * images without a label or with an unknown class. An empty class folder (no image files) is skipped
 * with the reason {@code "empty class folder"} and is not a class, unless the class index names it.
 * Hidden files ({@code .*}, {@code _*}) are ignored.
 */
public final class ImageFolderScanner {

  static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  /** The skip reason of a class folder without image files. */
  public static final String EMPTY_CLASS_FOLDER = "empty class folder";

  private ImageFolderScanner() {}

  /**
   * One image, its class index, and its length and modification time as listed: prepare's input
   * digest covers both, so an image replaced under the same name makes the prepared dataset stale.
   */
  public record LabeledFile(String path, int label, long length, long modified) implements Serializable {

    static LabeledFile of(FileStatus s, int label) {
      return new LabeledFile(s.getPath().toString(), label, s.getLen(), s.getModificationTime());
    }
  }

  /** A file left out of the dataset and why. */
  public record Skipped(String path, String reason) implements Serializable {}

  /** The listing of a dataset. */
  public record Listing(List<String> classes, List<LabeledFile> train, List<LabeledFile> val, List<Skipped> skipped) {}

  /** Lists {@code root} with class folders in val/ or an auto-detected labels file, no class index. */
  public static Listing scan(URI root, Configuration conf) {
    return scan(root, null, null, conf);
  }

  /**
   * Lists {@code root}.
   *
   * @param valLabels a labels file for a flat val/ folder; null to use {@code LOC_val_solution.csv}
   *     at the root when val/ holds images rather than class folders
   * @param classIndex the class list to use; null to take the sorted train class folders
   */
  public static Listing scan(URI root, URI valLabels, URI classIndex, Configuration conf) {
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
      List<Skipped> skipped = new ArrayList<>();
      List<FileStatus> trainEntries = entries(fs, trainDir, skipped);
      List<String> folders = new ArrayList<>();
      for (FileStatus s : trainEntries) {
        if (s.isDirectory()) {
          folders.add(s.getPath().getName());
        } else {
          skipped.add(new Skipped(s.getPath().toString(), "file outside a class folder (expected train/<class>/<image>)"));
        }
      }
      if (folders.isEmpty()) {
        throw new IllegalArgumentException("dataset " + root + " is empty: " + trainDir + " has no class folders");
      }
      // train images per folder, before class indices are known
      Map<String, List<FileStatus>> trainFiles = new TreeMap<>();
      for (String folder : folders) {
        List<FileStatus> images = images(fs, HadoopFiles.child(trainDir, folder), skipped);
        if (images.isEmpty()) {
          skipped.add(new Skipped(HadoopFiles.child(trainDir, folder).toString(), EMPTY_CLASS_FOLDER));
        } else {
          trainFiles.put(folder, images);
        }
      }
      List<String> classes;
      if (classIndex != null) {
        classes = ClassIndex.read(classIndex, conf);
        for (String folder : trainFiles.keySet()) {
          if (!classes.contains(folder)) {
            problems.add("train class '" + folder + "' is not in the class index " + classIndex);
          }
        }
      } else {
        classes = List.copyOf(trainFiles.keySet());
      }
      if (trainFiles.isEmpty()) {
        throw new IllegalArgumentException(
            "no usable images in " + root + ": every class folder of " + trainDir + " is empty");
      }
      List<LabeledFile> train = new ArrayList<>();
      for (var e : trainFiles.entrySet()) {
        int label = classes.indexOf(e.getKey());
        if (label >= 0) {
          e.getValue().forEach(st -> train.add(LabeledFile.of(st, label)));
        }
      }

      List<FileStatus> valEntries = entries(fs, valDir, skipped);
      boolean flatVal = valLabels != null
          || (valEntries.stream().noneMatch(FileStatus::isDirectory) && valEntries.stream().anyMatch(FileStatus::isFile));
      List<LabeledFile> val = new ArrayList<>();
      if (flatVal) {
        URI labelsUri = valLabels != null ? valLabels : HadoopFiles.child(root, ValLabels.DEFAULT_FILE_NAME);
        if (valLabels == null && !fs.exists(new Path(labelsUri))) {
          problems.add(valDir + " holds images, not class folders, and there is no " + ValLabels.DEFAULT_FILE_NAME
              + " at the dataset root (pass --val-labels)");
        } else {
          Map<String, String> labels = ValLabels.read(labelsUri, conf);
          for (FileStatus s : valEntries) {
            String path = s.getPath().toString();
            String name = s.getPath().getName();
            if (s.isDirectory()) {
              skipped.add(new Skipped(path, "folder inside a flat val/ folder labelled by " + labelsUri));
              continue;
            }
            String bad = fileProblem(s);
            if (bad != null) {
              skipped.add(new Skipped(path, bad));
              continue;
            }
            int dot = name.lastIndexOf('.');
            String cls = labels.get(dot < 0 ? name : name.substring(0, dot));
            if (cls == null) {
              skipped.add(new Skipped(path, "no label in " + labelsUri));
            } else if (!classes.contains(cls)) {
              skipped.add(new Skipped(path, "unknown class '" + cls + "' (label from " + labelsUri + ")"));
            } else {
              val.add(LabeledFile.of(s, classes.indexOf(cls)));
            }
          }
        }
      } else {
        for (FileStatus s : valEntries) {
          String name = s.getPath().getName();
          if (!s.isDirectory()) {
            skipped.add(new Skipped(s.getPath().toString(), "file outside a class folder (expected val/<class>/<image>)"));
          } else if (!classes.contains(name)) {
            if (folders.contains(name)) { // an empty train class folder
              for (FileStatus st : images(fs, s.getPath(), skipped)) {
                skipped.add(new Skipped(st.getPath().toString(), "class '" + name + "' has no train images"));
              }
            } else {
              problems.add("val class '" + name + "' has no train folder");
            }
          } else {
            List<FileStatus> images = images(fs, s.getPath(), skipped);
            if (images.isEmpty()) {
              skipped.add(new Skipped(s.getPath().toString(), EMPTY_CLASS_FOLDER));
            }
            int label = classes.indexOf(name);
            images.forEach(st -> val.add(LabeledFile.of(st, label)));
          }
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

  /**
   * The visible entries of {@code dir}, sorted by name. Hadoop's local file system silently leaves
   * out dangling links; they are found here and skipped with a reason.
   */
  private static List<FileStatus> entries(FileSystem fs, Path dir, List<Skipped> skipped) throws IOException {
    FileStatus[] listed = fs.listStatus(dir);
    Arrays.sort(listed, Comparator.comparing(s -> s.getPath().getName()));
    List<FileStatus> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (FileStatus s : listed) {
      names.add(s.getPath().getName());
      if (!hidden(s.getPath().getName())) {
        out.add(s);
      }
    }
    if (fs instanceof RawLocalFileSystem local) {
      String[] onDisk = local.pathToFile(dir).list();
      if (onDisk != null) {
        Arrays.sort(onDisk);
        for (String n : onDisk) {
          if (!names.contains(n) && !hidden(n)) {
            skipped.add(new Skipped(HadoopFiles.child(dir, n).toString(), "unreadable: dangling link or file vanished while listing"));
          }
        }
      }
    }
    return out;
  }

  /** The image files of a class folder; everything else there is skipped with a reason. */
  private static List<FileStatus> images(FileSystem fs, Path classDir, List<Skipped> skipped) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus s : entries(fs, classDir, skipped)) {
      String path = s.getPath().toString();
      if (s.isDirectory()) {
        skipped.add(new Skipped(path, "nested folder inside a class folder"));
        continue;
      }
      String bad = fileProblem(s);
      if (bad != null) {
        skipped.add(new Skipped(path, bad));
      } else {
        files.add(s);
      }
    }
    return files;
  }

  /** Why a file cannot be an image, from its name and size; null when it may be one. */
  private static String fileProblem(FileStatus s) {
    String ext = extension(s.getPath().getName());
    if (!IMAGE_EXTENSIONS.contains(ext)) {
      return "not an image file (extension '" + ext + "')";
    }
    return s.getLen() == 0 ? "empty file" : null;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
