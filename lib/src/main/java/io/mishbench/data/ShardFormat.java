package io.mishbench.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The binary layout of one shard: a header, then one record per image.
 *
 * <pre>
 * int magic 'MSH2', int channels, int count
 * count x { int label, int width, int height, int length, byte[length] encoded image (PNG or JPEG) }
 * </pre>
 *
 * Images are stored encoded, resized so that their shorter side is the prepared image size and their
 * aspect ratio is kept: the executors crop and scale them at training time. All ints are big-endian
 * (DataOutput). The manifest records each shard's length, CRC-32C and image count ({@link
 * Manifest.Shard}); {@link Shards#read} checks all three.
 */
public final class ShardFormat {

  static final int MAGIC = 0x4D534832; // "MSH2"

  private ShardFormat() {}

  /** Header of a shard. */
  public record Header(int channels, int count) {}

  static void writeHeader(DataOutputStream out, Header h) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(h.channels());
    out.writeInt(h.count());
  }

  static Header readHeader(ByteBuffer in, String source) throws IOException {
    int magic = in.getInt();
    if (magic != MAGIC) {
      throw new IOException(source + " is not a mishbench shard of this format (magic " + Integer.toHexString(magic)
          + ", expected " + Integer.toHexString(MAGIC) + "): prepare the dataset again");
    }
    Header h = new Header(in.getInt(), in.getInt());
    if ((h.channels() != 1 && h.channels() != 3) || h.count() < 0) {
      throw new IOException(source + " has a corrupt header: " + h);
    }
    return h;
  }
}
