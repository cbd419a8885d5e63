package io.mishbench.data;

import io.mishbench.data.ShardFormat.Header;
import io.mishbench.fs.HadoopFiles;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes shard files ({@link ShardFormat}) on any Hadoop FileSystem. Every read is checked
 * against what the manifest recorded when the shard was written (its length, CRC-32C and image
 * count): a truncated, changed or mis-counted shard fails with an error naming it and how to rebuild
 * it, never with an index error or by training on changed bytes.
 */
public final class Shards {

  private Shards() {}

  /** The content of one shard: labels and encoded images, index-aligned. */
  public record Content(Header header, int[] labels, byte[][] images) {}

  /** What {@link #write} wrote: the file's length and CRC-32C (hex), recorded in the manifest. */
  public record Written(long bytes, String crc32c) implements Serializable {}

  /**
   * A shard to read: its absolute URI and what the manifest says it holds.
   *
   * @param uri absolute URI of the shard file
   * @param count images in it
   * @param bytes its length in bytes
   * @param crc32c its CRC-32C, 8 hex digits
   * @param dataset the prepared dataset folder, named in errors so the user knows what to rebuild
   */
  public record Ref(String uri, int count, long bytes, String crc32c, String dataset) implements Serializable {}

  /** Writes one shard and returns its length and checksum. */
  public static Written write(FileSystem fs, Path path, int channels, List<Integer> labels,
      List<ImageDecoder.Stored> images) throws IOException {
    if (labels.size() != images.size()) {
      throw new IllegalArgumentException(labels.size() + " labels for " + images.size() + " images");
    }
    Header h = new Header(channels, labels.size());
    CRC32C crc = new CRC32C();
    long[] bytes = {0};
    org.apache.hadoop.fs.FSDataOutputStream file = fs.create(path, true);
    OutputStream counting = new CheckedOutputStream(file, crc) {
      @Override
      public void write(int b) throws IOException {
        super.write(b);
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        super.write(b, off, len);
        bytes[0] += len;
      }
    };
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(counting, 1 << 16))) {
      ShardFormat.writeHeader(out, h);
      for (int i = 0; i < labels.size(); i++) {
        ImageDecoder.Stored s = images.get(i);
        out.writeInt(labels.get(i));
        out.writeInt(s.width());
        out.writeInt(s.height());
        out.writeInt(s.bytes().length);
        out.write(s.bytes());
      }
      out.flush();
      file.hsync(); // on stable storage before the manifest that names it is
    }
    return new Written(bytes[0], hex(crc.getValue()));
  }

  /** The CRC-32C of {@code data} as 8 hex digits. */
  static String crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return hex(crc.getValue());
  }

  private static String hex(long crc) {
    return String.format("%08x", crc);
  }

  /**
   * Reads a whole shard and checks it against {@code ref}.
   *
   * @throws IOException naming the shard and how to rebuild the dataset when its length, checksum,
   *     image count or records do not match
   */
  public static Content read(Ref ref, Configuration conf) throws IOException {
    URI uri = URI.create(ref.uri());
    FileSystem fs = HadoopFiles.fs(uri, conf);
    byte[] data;
    try (InputStream in = fs.open(new Path(uri))) {
      data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, ref.bytes() + 1));
    }
    if (data.length != ref.bytes()) {
      throw corrupt(ref, "it holds " + (data.length > ref.bytes() ? "more than " : "") + data.length
          + " bytes, the manifest recorded " + ref.bytes() + (data.length < ref.bytes() ? " (truncated)" : ""));
    }
    String crc = crc32c(data);
    if (!crc.equals(ref.crc32c())) {
      throw corrupt(ref, "its CRC-32C is " + crc + ", the manifest recorded " + ref.crc32c() + " (its bytes changed)");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(data);
      Header h = ShardFormat.readHeader(in, ref.uri());
      if (h.count() != ref.count()) {
        throw corrupt(ref, "its header counts " + h.count() + " images, the manifest " + ref.count());
      }
      int[] labels = new int[h.count()];
      byte[][] images = new byte[h.count()][];
      for (int i = 0; i < h.count(); i++) {
        labels[i] = in.getInt();
        in.getInt(); // width and height: for tools that inspect shards without decoding
        in.getInt();
        int length = in.getInt();
        if (length <= 0 || length > in.remaining()) {
          throw corrupt(ref, "record " + i + " claims " + length + " bytes, " + in.remaining() + " are left");
        }
        images[i] = new byte[length];
        in.get(images[i]);
      }
      if (in.hasRemaining()) {
        throw corrupt(ref, in.remaining() + " bytes follow its last record");
      }
      return new Content(h, labels, images);
    } catch (BufferUnderflowException e) {
      throw corrupt(ref, "it ends inside a record");
    }
  }

  /** Checks a label read from {@code ref} against the class count. */
  static int label(Ref ref, int label, int classes) throws IOException {
    if (label < 0 || label >= classes) {
      throw corrupt(ref, "it holds label " + label + ", the dataset has " + classes + " classes");
    }
    return label;
  }

  static IOException corrupt(Ref ref, String what) {
    return new IOException("shard " + ref.uri() + " is corrupt: " + what + ". Rebuild the prepared dataset: "
        + "mishbench prepare --input <its source> --output '" + ref.dataset() + "' --overwrite (its source is in "
        + Manifest.FILE_NAME + ")");
  }
}
