package io.mishbench.data;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
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
            "no prepared dataset at " + new Path(root) + ": " + Manifest.FILE_NAME + " is missing (run 'prepare' first)");
      }
      Manifest m = HadoopFiles.readJson(manifestUri, Manifest.class, conf);
      if (m.version() != Manifest.FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "prepared dataset " + new Path(root) + " has format version " + m.version() + ", this build reads "
                + Manifest.FORMAT_VERSION + " (prepare it again)");
      }
      // one spelling per dataset (file:/x, file:///x and /x; hdfs:///x and hdfs://nn:8020/x): the run id hashes it
      PreparedDataset ds = new PreparedDataset(HadoopFiles.qualify(root, conf), m);
      List<String> problems = ds.problems(fs);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("prepared dataset " + new Path(root) + " is damaged: " + String.join("; ", problems)
            + ". Rebuild it: mishbench prepare --input '" + new Path(URI.create(m.source())) + "' --output '"
            + new Path(root) + "' --overwrite");
      }
      return ds;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifestUri + ": " + e.getMessage(), e);
    }
  }

  private Manifest.Split split(String split) {
    return switch (split) {
      case "train" -> manifest.train();
      case "val" -> manifest.val();
      default -> throw new IllegalArgumentException("split must be train or val, got " + split);
    };
  }

  /** Absolute URIs of the shards of {@code split} ("train" or "val"). */
  public List<String> shardUris(String split) {
    return shards(split).stream().map(Shards.Ref::uri).toList();
  }

  /** The shards of {@code split} ("train" or "val"), each with what its reads are checked against. */
  public List<Shards.Ref> shards(String split) {
    return split(split).shards().stream()
        .map(sh -> new Shards.Ref(HadoopFiles.child(root, sh.file()).toString(), sh.count(), sh.bytes(), sh.crc32c(),
            new Path(root).toString()))
        .toList();
  }

  /**
   * What does not add up: the manifest's counts against each other and its shard list, and each
   * shard file against its recorded length (its bytes are checked when it is read).
   */
  private List<String> problems(FileSystem fs) throws IOException {
    List<String> problems = new ArrayList<>();
    int classes = manifest.classes() == null ? 0 : manifest.classes().size();
    if (classes == 0) {
      problems.add("the manifest lists no classes");
    }
    for (String name : List.of("train", "val")) {
      Manifest.Split s = split(name);
      if (s == null || s.shards() == null || s.perClass() == null) {
        problems.add("the manifest has no complete " + name + " split");
        continue;
      }
      long inShards = 0;
      for (Manifest.Shard sh : s.shards()) {
        inShards += sh.count();
        if (sh.file() == null || sh.file().startsWith("/") || sh.file().contains("..") || sh.file().contains(":")
            || sh.count() <= 0 || sh.bytes() <= 0 || sh.crc32c() == null) {
          problems.add(name + " shard " + sh + " is not a shard entry of this format");
        }
      }
      long perClass = s.perClass().stream().mapToLong(Long::longValue).sum();
      if (s.count() != inShards || s.count() != perClass || s.perClass().size() != classes) {
        problems.add(name + " counts disagree: " + s.count() + " images, " + inShards + " in its shards, " + perClass
            + " over " + s.perClass().size() + " classes (of " + classes + ")");
      }
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    for (String name : List.of("train", "val")) {
      for (Shards.Ref ref : shards(name)) {
        Path p = new Path(java.net.URI.create(ref.uri()));
        if (!fs.exists(p)) {
          problems.add("shard " + p + " is missing");
        } else if (fs.getFileStatus(p).getLen() != ref.bytes()) {
          problems.add("shard " + p + " holds " + fs.getFileStatus(p).getLen() + " bytes, the manifest recorded "
              + ref.bytes());
        }
      }
    }
    return problems;
  }

  public int numClasses() {
    return manifest.classes().size();
  }
}
