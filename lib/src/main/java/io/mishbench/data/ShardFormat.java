package io.mishbench.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The binary layout of one shard: a header, then fixed-size records.
 *
 * <pre>
 * int magic 'MSH1', int resolution, int channels, int count
 * count x { int label, byte[channels * resolution * resolution] pixels in CHW order }
 * </pre>
 *
 * Pixels are pre-resized, unsigned 8-bit. All ints are big-endian (DataOutput).
 */
public final class ShardFormat {

  static final int MAGIC = 0x4D534831; // "MSH1"

  private ShardFormat() {}

  /** Header of a shard. */
  public record Header(int resolution, int channels, int count) {
    int pixels() {
      return channels * resolution * resolution;
    }
  }

  static void writeHeader(DataOutputStream out, Header h) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(h.resolution());
    out.writeInt(h.channels());
    out.writeInt(h.count());
  }

  static Header readHeader(DataInputStream in, String source) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(source + " is not a mishbench shard (bad magic " + Integer.toHexString(magic) + ")");
    }
    Header h = new Header(in.readInt(), in.readInt(), in.readInt());
    if (h.resolution() <= 0 || h.channels() <= 0 || h.count() < 0) {
      throw new IOException(source + " has a corrupt header: " + h);
    }
    return h;
  }
}
