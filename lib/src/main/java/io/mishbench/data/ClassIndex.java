package io.mishbench.data;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The class index of a prepared dataset, {@code classes.txt} beside its manifest: one class name per
 * line, the class index being the line number counted from 0. Passing one to {@code prepare
 * --class-index} gives another dataset the same labels.
 */
public final class ClassIndex {

  /** The file name beside the manifest. */
  public static final String FILE_NAME = "classes.txt";

  private ClassIndex() {}

  /**
   * Reads a class index; blank lines at the end are ignored.
   *
   * @throws IllegalArgumentException when it does not exist, is empty, or has a blank or repeated name
   */
  public static List<String> read(URI file, Configuration conf) {
    try {
      FileSystem fs = HadoopFiles.fs(file, conf);
      Path path = new Path(file);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("class index does not exist: " + file);
      }
      String text;
      try (InputStream in = fs.open(path)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
      }
      List<String> classes = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      List<String> lines = text.lines().toList();
      for (int i = 0; i < lines.size(); i++) {
        String name = lines.get(i).trim();
        if (name.isEmpty()) {
          throw new IllegalArgumentException("class index " + file + " line " + (i + 1) + " is blank");
        }
        if (!seen.add(name)) {
          throw new IllegalArgumentException("class index " + file + " line " + (i + 1) + " repeats class '" + name + "'");
        }
        classes.add(name);
      }
      if (classes.isEmpty()) {
        throw new IllegalArgumentException("class index " + file + " is empty");
      }
      return List.copyOf(classes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class index " + file + ": " + e.getMessage(), e);
    }
  }

  /** The text of a class index for {@code classes}. */
  static String format(List<String> classes) {
    return String.join("\n", classes) + "\n";
  }
}
