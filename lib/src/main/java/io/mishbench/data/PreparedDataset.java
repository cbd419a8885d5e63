package io.mishbench.data;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A prepared dataset: its folder and manifest. The folder holds {@code manifest.json}, {@code
 * classes.txt} and one shard folder ({@code shards-<id>/}, or {@code shards/} when prepared by an
 * earlier mishbench); the manifest names the shards relative to the folder.
 */
public record PreparedDataset(URI root, Manifest manifest) {

  /**
   * Opens the prepared dataset at {@code root}.
   *
   * @throws IllegalArgumentException when there is no manifest (not prepared, or prepare did not
   *     finish) or it is of another format version
   */
  public static PreparedDataset open(URI root, Configuration conf) {
    URI manifestUri = HadoopFiles.child(root, Manifest.FILE_NAME);
    try {
      FileSystem fs = HadoopFiles.fs(root, conf);
      if (!fs.exists(new Path(manifestUri))) {
        throw new IllegalArgumentException(
            "no prepared dataset at " + root + ": " + Manifest.FILE_NAME + " is missing (run 'prepare' first)");
      }
      Manifest m = HadoopFiles.readJson(manifestUri, Manifest.class, conf);
      if (m.version() != Manifest.FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "prepared dataset " + root + " has format version " + m.version() + ", this build reads "
                + Manifest.FORMAT_VERSION + " (prepare it again)");
      }
      // one spelling per dataset (file:/x, file:///x and /x; hdfs:///x and hdfs://nn:8020/x): the run id hashes it
      return new PreparedDataset(HadoopFiles.qualify(root, conf), m);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifestUri + ": " + e.getMessage(), e);
    }
  }

  /** Absolute URIs of the shards of {@code split} ("train" or "val"). */
  public List<String> shardUris(String split) {
    Manifest.Split s =
        switch (split) {
          case "train" -> manifest.train();
          case "val" -> manifest.val();
          default -> throw new IllegalArgumentException("split must be train or val, got " + split);
        };
    return s.shards().stream().map(sh -> HadoopFiles.child(root, sh.file()).toString()).toList();
  }

  public int numClasses() {
    return manifest.classes().size();
  }
}
