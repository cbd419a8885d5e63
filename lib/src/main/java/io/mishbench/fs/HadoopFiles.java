package io.mishbench.fs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Path resolution, JSON and atomic writes on any Hadoop FileSystem. */
public final class HadoopFiles {

  /** The JSON mapper used for every file mishbench writes (manifest, run records). */
  public static final ObjectMapper JSON =
      // no module discovery: Spark brings jackson-module-scala, which would read JSON arrays inside
      // Object-typed values (run settings) back as Scala lists
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HadoopFiles() {}

  /**
   * Turns a user-given location into a URI: {@code hdfs://}, {@code s3a://}, {@code file:} URIs are
   * kept; a plain path is made absolute against the working directory as a {@code file:} URI.
   */
  public static URI resolve(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("path is empty");
    }
    String s = location.trim();
    if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || s.startsWith("file:")) {
      return URI.create(s);
    }
    return Paths.get(s).toAbsolutePath().normalize().toUri();
  }

  /**
   * The FileSystem holding {@code uri}. Local files go through Hadoop's raw local file system, so no
   * {@code .name.crc} checksum files appear next to what mishbench writes into a user's folders.
   */
  public static FileSystem fs(URI uri, Configuration conf) throws IOException {
    FileSystem fs = FileSystem.get(uri, conf);
    return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
  }

  /** A child of a folder URI. */
  public static URI child(URI parent, String name) {
    return new Path(new Path(parent), name).toUri();
  }

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically: readers see the old file or the whole new one, never a part.
   * On local disks and HDFS: write to a hidden sibling, then rename over the target. On object stores
   * ({@link #publishesOnClose}: S3A), which have no atomic rename (S3A copies, and replacing meant a
   * delete first), the target itself is written: the store publishes the object whole when the stream
   * closes, and a failed write is aborted, leaving the old object.
   */
  public static void writeAtomically(URI target, Configuration conf, Writer writer) throws IOException {
    Path path = new Path(target);
    FileSystem fs = fs(target, conf);
    if (publishesOnClose(fs, path)) {
      FSDataOutputStream out = fs.create(path, true);
      try {
        writer.write(out);
      } catch (IOException | RuntimeException e) {
        out.abort(); // nothing is published; close() after abort() does not upload
        out.close();
        throw e;
      }
      out.close();
      return;
    }
    Path tmp = new Path(path.getParent(), "." + path.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      writer.write(out);
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    if (fs.rename(tmp, path)) {
      return; // the local file system renames over an existing file atomically (POSIX rename)
    }
    if (fs.exists(path)) {
      try { // HDFS refuses FileSystem.rename over a file, but renames with OVERWRITE atomically
        FileContext.getFileContext(target, conf).rename(tmp, path, Options.Rename.OVERWRITE);
        return;
      } catch (IOException | UnsupportedOperationException e) {
        // a store with neither: delete, then rename (a reader may briefly find no file)
      }
      if (!fs.delete(path, false)) {
        fs.delete(tmp, false);
        throw new IOException("cannot replace " + target);
      }
    }
    if (!fs.rename(tmp, path)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  /**
   * Whether {@code fs} is an object store that makes a file visible only when its output stream
   * closes, whole, and can abort a stream instead (Hadoop's {@code fs.capability.outputstream.abortable}:
   * S3A). Such stores have no atomic rename and no exclusive create: {@code create(path, false)} checks,
   * then writes, so two writers can both succeed.
   */
  public static boolean publishesOnClose(FileSystem fs, Path path) {
    try {
      return fs.hasPathCapability(path, CommonPathCapabilities.ABORTABLE_STREAM);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes {@code bytes} to {@code target} atomically. */
  public static void writeAtomically(URI target, byte[] bytes, Configuration conf) throws IOException {
    writeAtomically(target, conf, out -> out.write(bytes));
  }

  /** Writes {@code value} as indented JSON, atomically. */
  public static void writeJson(URI target, Object value, Configuration conf) throws IOException {
    writeAtomically(target, JSON.writeValueAsBytes(value), conf);
  }

  /** Writes UTF-8 text, atomically. */
  public static void writeText(URI target, String text, Configuration conf) throws IOException {
    writeAtomically(target, text.getBytes(StandardCharsets.UTF_8), conf);
  }

  /** Reads a JSON file into {@code type}. */
  public static <T> T readJson(URI source, Class<T> type, Configuration conf) throws IOException {
    try (InputStream in = fs(source, conf).open(new Path(source))) {
      return JSON.readValue(in, type);
    }
  }
}
