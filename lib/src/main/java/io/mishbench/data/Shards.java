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

  /** The decoded content of one shard: labels and CHW pixels, index-aligned. */
  public record Content(Header header, int[] labels, byte[][] pixels) {}

  /** Writes one shard. */
  public static void write(FileSystem fs, Path path, int resolution, int channels, List<Integer> labels, List<byte[]> pixels)
      throws IOException {
    Header h = new Header(resolution, channels, labels.size());
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(path, true), 1 << 16))) {
      ShardFormat.writeHeader(out, h);
      for (int i = 0; i < labels.size(); i++) {
        byte[] p = pixels.get(i);
        if (p.length != h.pixels()) {
          throw new IllegalArgumentException("record " + i + " has " + p.length + " pixels, expected " + h.pixels());
        }
        out.writeInt(labels.get(i));
        out.write(p);
      }
    }
  }

  /** Reads a whole shard. */
  public static Content read(URI uri, Configuration conf) throws IOException {
    FileSystem fs = HadoopFiles.fs(uri, conf);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(fs.open(new Path(uri)), 1 << 16))) {
      Header h = ShardFormat.readHeader(in, uri.toString());
      int[] labels = new int[h.count()];
      byte[][] pixels = new byte[h.count()][];
      for (int i = 0; i < h.count(); i++) {
        labels[i] = in.readInt();
        pixels[i] = new byte[h.pixels()];
        in.readFully(pixels[i]);
      }
      return new Content(h, labels, pixels);
    }
  }
}
