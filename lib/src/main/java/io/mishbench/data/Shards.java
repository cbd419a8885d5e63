package io.mishbench.data;

import io.mishbench.data.ShardFormat.Header;
import io.mishbench.fs.HadoopFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads and writes shard files ({@link ShardFormat}) on any Hadoop FileSystem. */
public final class Shards {

  private Shards() {}

  /** The content of one shard: labels and encoded images, index-aligned. */
  public record Content(Header header, int[] labels, byte[][] images) {}

  /** Writes one shard. */
  public static void write(FileSystem fs, Path path, int channels, List<Integer> labels, List<ImageDecoder.Stored> images)
      throws IOException {
    if (labels.size() != images.size()) {
      throw new IllegalArgumentException(labels.size() + " labels for " + images.size() + " images");
    }
    Header h = new Header(channels, labels.size());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(path, true), 1 << 16))) {
      ShardFormat.writeHeader(out, h);
      for (int i = 0; i < labels.size(); i++) {
        ImageDecoder.Stored s = images.get(i);
        out.writeInt(labels.get(i));
        out.writeInt(s.width());
        out.writeInt(s.height());
        out.writeInt(s.bytes().length);
        out.write(s.bytes());
      }
    }
  }

  /** Reads a whole shard. */
  public static Content read(URI uri, Configuration conf) throws IOException {
    FileSystem fs = HadoopFiles.fs(uri, conf);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(fs.open(new Path(uri)), 1 << 16))) {
      Header h = ShardFormat.readHeader(in, uri.toString());
      int[] labels = new int[h.count()];
      byte[][] images = new byte[h.count()][];
      for (int i = 0; i < h.count(); i++) {
        labels[i] = in.readInt();
        in.readInt(); // width and height: for tools that inspect shards without decoding
        in.readInt();
        int length = in.readInt();
        if (length <= 0 || length > ShardFormat.MAX_RECORD_BYTES) {
          throw new IOException(uri + " record " + i + " claims " + length + " bytes: the shard is corrupt");
        }
        images[i] = new byte[length];
        in.readFully(images[i]);
      }
      return new Content(h, labels, images);
    }
  }
}
