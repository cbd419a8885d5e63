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
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/** Path resolution, JSON and atomic writes on any Hadoop FileSystem. */
public final class HadoopFiles {

  /**
   * The JSON mapper used for every file mishbench writes (manifest, run records, checkpoint state).
   * Fields it does not know are ignored, not errors: a record written by a later version (with more
   * fields) is read, never quarantined or retrained for it.
   */
  public static final ObjectMapper JSON =
      // no module discovery: Spark brings jackson-module-scala, which would read JSON arrays inside
      // Object-typed values (run settings) back as Scala lists
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private HadoopFiles() {}

  /**
   * The Hadoop configuration a job uses before (or without) a SparkContext: Spark's own, built the way
   * SparkContext builds {@code hadoopConfiguration()} from the {@code spark.*} settings spark-submit
   * passes (its {@code --conf}, {@code spark-defaults.conf}): the cluster's {@code core-site.xml} and
   * friends from the classpath ({@code HADOOP_CONF_DIR}), every {@code spark.hadoop.*} key, the AWS
   * credentials of the environment, and in YARN cluster mode the submitter's Hadoop settings. With a
   * context running, use {@code sparkContext.hadoopConfiguration()}. Never {@code new Configuration()}:
   * it would ignore everything given to Spark ({@code HadoopConfigurationRuleTest}).
   */
  public static Configuration configuration() {
    return SparkHadoopUtil.get().newConfiguration(new SparkConf());
  }

  /**
   * Turns a user-given location into a URI. A location is a path, not URI text: a space, {@code %},
   * {@code #}, {@code ?}, {@code [}, {@code :}, quotes and non-ASCII characters are parts of the name
   * (never escapes, fragments or queries). {@code scheme://...} and {@code file:} locations keep their
   * scheme; a plain path is made absolute against the working directory as a {@code file:} URI. Local
   * files are always spelled {@code file:/abs/path} (never {@code file:///} or with a trailing slash),
   * so one folder has one spelling; see {@link #qualify} for the default file system's authority.
   */
  public static URI resolve(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("path is empty");
    }
    String s = location.strip();
    URI uri;
    if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || s.startsWith("file:")) {
      uri = new Path(s).toUri(); // Hadoop's Path quotes every character that URI syntax would interpret
    } else {
      uri = Paths.get(s).toAbsolutePath().normalize().toUri();
    }
    return canonical(uri);
  }

  /**
   * {@code uri} qualified against its file system ({@code hdfs:///x} becomes {@code
   * hdfs://namenode:8020/x} with the configuration's default file system), in {@link #resolve}'s
   * spelling: the one name of a folder, for anything that is compared or hashed (run ids).
   */
  public static URI qualify(URI uri, Configuration conf) throws IOException {
    Path p = new Path(uri);
    return canonical(p.getFileSystem(conf).makeQualified(p).toUri());
  }

  /** {@code uri} in {@link #resolve}'s spelling: no trailing slash, {@code file:/abs} for local files. */
  public static URI canonical(URI uri) {
    String path = uri.getPath();
    if (path != null && path.length() > 1 && path.endsWith("/")) {
      path = path.replaceAll("/+$", "");
    }
    String authority = uri.getAuthority();
    if ("file".equals(uri.getScheme()) && (authority == null || authority.isEmpty() || authority.equals("localhost"))) {
      authority = null;
    }
    if (path == null || uri.isOpaque()) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), authority, path, null, null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a usable location: " + uri + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The Hadoop path of a file named in a listing or manifest. mishbench writes file names there as
   * {@link Path#toString()} (readable, not URI-escaped); this is its inverse. Never parse such a name
   * with {@code URI.create}: a space fails and a {@code #} cuts the name short.
   */
  public static Path path(String name) {
    return new Path(name);
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
    return child(new Path(parent), name).toUri();
  }

  /** A child of a folder; {@code name} is a name (or relative path), never a URI, so "a:b" is not scheme a. */
  public static Path child(Path parent, String name) {
    return new Path(parent, new Path(null, null, name)); // the three-argument Path takes name as a path
  }

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Temporary files of {@link #writeAtomically} older than this are leftovers of a crashed writer. */
  static final long STALE_TMP_MS = 24L * 3600 * 1000;

  /**
   * Writes {@code target} atomically: readers see the old file or the whole new one, never a part.
   * On local disks and HDFS: write to a hidden sibling, flush it to stable storage (hsync), then rename
   * over the target. On object stores ({@link #publishesOnClose}: S3A), which have no atomic rename
   * (S3A copies, and replacing meant a delete first), the target itself is written: the store publishes
   * the object whole when the stream closes, and a failed write is aborted, leaving the old object. A
   * failure (a full disk) is thrown as it happened, the temporary file removed; temporary siblings of
   * {@code target} left by crashed writers more than a day ago are removed too.
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
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      writer.write(out);
      out.hsync(); // a crash after the rename must not leave the new name on unwritten blocks
    } catch (IOException | RuntimeException | Error e) {
      try {
        fs.delete(tmp, false);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup); // the original error (a full disk) stays the one reported
      }
      throw e;
    }
    cleanStaleTemporaries(fs, path);
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

  private static void cleanStaleTemporaries(FileSystem fs, Path path) {
    String prefix = "." + path.getName() + ".";
    try {
      for (FileStatus st : fs.listStatus(path.getParent())) {
        String name = st.getPath().getName();
        if (name.startsWith(prefix) && name.endsWith(".tmp")
            && st.getModificationTime() < System.currentTimeMillis() - STALE_TMP_MS) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException | RuntimeException e) {
      // only housekeeping: the write itself succeeded
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
