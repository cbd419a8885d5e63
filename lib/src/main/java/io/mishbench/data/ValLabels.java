package io.mishbench.data;

import io.mishbench.fs.HadoopFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Labels of a flat ImageNet validation folder, in the form of Kaggle's {@code LOC_val_solution.csv}:
 * a header {@code ImageId,PredictionString}, then one line per image; the ImageId is the file name
 * without its extension and the class is the first whitespace-separated token of the
 * PredictionString (the rest, bounding boxes, is ignored). An image with an empty PredictionString
 * has no label.
 */
public final class ValLabels {

  /** The labels file looked for at the dataset root when val/ holds images, not class folders. */
  public static final String DEFAULT_FILE_NAME = "LOC_val_solution.csv";

  private static final String HEADER = "ImageId,PredictionString";

  private ValLabels() {}

  /**
   * Reads a labels file: image id to class name.
   *
   * @throws IllegalArgumentException when it does not exist, lacks the header, or a line has no comma
   *     or gives one image two different classes (naming the file and line)
   */
  public static Map<String, String> read(URI file, Configuration conf) {
    try {
      FileSystem fs = HadoopFiles.fs(file, conf);
      Path path = new Path(file);
      if (!fs.exists(path)) {
        throw new IllegalArgumentException("val labels file does not exist: " + file);
      }
      Map<String, String> labels = new HashMap<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        String header = r.readLine();
        if (header == null || !header.replace("\uFEFF", "").trim().equals(HEADER)) {
          throw new IllegalArgumentException(
              "val labels file " + file + " must start with the header '" + HEADER + "', got '" + header + "'");
        }
        int lineNo = 1;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          int comma = line.indexOf(',');
          if (comma < 0) {
            throw new IllegalArgumentException(
                "val labels file " + file + " line " + lineNo + ": expected 'ImageId,PredictionString', got '" + line + "'");
          }
          String id = line.substring(0, comma).trim();
          String[] tokens = line.substring(comma + 1).trim().split("\\s+");
          if (tokens[0].isEmpty()) {
            continue; // unlabelled: its image is skipped with a reason
          }
          String previous = labels.put(id, tokens[0]);
          if (previous != null && !previous.equals(tokens[0])) {
            throw new IllegalArgumentException("val labels file " + file + " line " + lineNo + ": image '" + id
                + "' labelled both '" + previous + "' and '" + tokens[0] + "'");
          }
        }
      }
      return labels;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read val labels " + file + ": " + e.getMessage(), e);
    }
  }
}
