package io.mishbench.averaging;

import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ND4J array's native memory moved straight to and from socket channels, in chunks of {@link
 * #CHUNK_BYTES}, with no copy on the Java heap and no codec: how the ring exchange moves state between
 * executors and between the driver and its tasks. Arrays must hold their elements contiguously (a
 * network's flattened parameters or updater state); both ends must agree on length and data type,
 * which every transfer checks first.
 */
final class NativeBytes {

  /** Bytes per step of a transfer. */
  static final int CHUNK_BYTES = 4 << 20;

  private NativeBytes() {}

  /** Elements {@code [from, to)} of {@code a}'s memory as a byte buffer; the caller keeps {@code a} alive. */
  static ByteBuffer of(INDArray a, long from, long to) {
    long w = a.dataType().width();
    BytePointer p = new BytePointer(a.data().addressPointer());
    return p.position(from * w).limit(to * w).asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** Refuses arrays whose elements are not contiguous in memory. */
  static void checkContiguous(INDArray a) {
    if (a.length() > 1 && a.elementWiseStride() != 1) {
      throw new IllegalArgumentException("arrays whose elements are contiguous in memory, not strided views, move as"
          + " native bytes (shape " + java.util.Arrays.toString(a.shape()) + ", element stride "
          + a.elementWiseStride() + ")");
    }
  }

  /** Bytes of {@code a}'s elements (0 for null). */
  static long size(INDArray a) {
    return a == null ? 0 : a.length() * a.dataType().width();
  }

  /** Writes all of {@code a}'s elements to {@code out}. */
  static void write(INDArray a, WritableByteChannel out) throws IOException {
    write(a, 0, a.length(), out);
  }

  /** Writes elements {@code [from, to)} of {@code a} to {@code out}, a chunk at a time. */
  static void write(INDArray a, long from, long to, WritableByteChannel out) throws IOException {
    checkContiguous(a);
    long chunk = CHUNK_BYTES / a.dataType().width();
    for (long at = from; at < to; at += chunk) {
      ByteBuffer b = of(a, at, Math.min(at + chunk, to));
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
    Reference.reachabilityFence(a);
  }

  /** Reads all of {@code a}'s elements from {@code in}, in place. */
  static void read(INDArray a, ReadableByteChannel in) throws IOException {
    checkContiguous(a);
    long n = a.length();
    long chunk = CHUNK_BYTES / a.dataType().width();
    for (long at = 0; at < n; at += chunk) {
      ByteBuffer b = of(a, at, Math.min(at + chunk, n));
      while (b.hasRemaining()) {
        if (in.read(b) < 0) {
          throw new EOFException("connection closed after " + (at * a.dataType().width() + b.position()) + " of "
              + size(a) + " bytes");
        }
      }
    }
    Reference.reachabilityFence(a);
  }

  /** Writes a small fixed-size header. */
  static void writeLongs(WritableByteChannel out, long... values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    b.flip();
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Reads {@code count} longs written by {@link #writeLongs}. */
  static long[] readLongs(ReadableByteChannel in, int count) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * count);
    while (b.hasRemaining()) {
      if (in.read(b) < 0) {
        throw new EOFException("connection closed in a header");
      }
    }
    b.flip();
    long[] v = new long[count];
    for (int i = 0; i < count; i++) {
      v[i] = b.getLong();
    }
    return v;
  }
}
