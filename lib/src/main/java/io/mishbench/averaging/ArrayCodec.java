package io.mishbench.averaging;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A bulk codec for ND4J arrays: a small header (data type, order, shape) and then the array's
 * elements as raw bytes, copied from and into ND4J's native buffer in chunks of {@link #CHUNK}
 * bytes, never element by element.
 *
 * <p>ND4J's own Kryo serializer writes every element through a {@code DataOutputStream} (about
 * 0.4 GB/s here); a parameter-averaging round moves hundreds of megabytes several times, so that
 * rate was most of a round. This codec is exact for every numeric data type, boolean and UTF-8
 * (strings, whose buffers ND4J's own serializer cannot write, as UTF-8 text, read back in c order), for empty arrays, scalars, c and f order, and views with
 * offsets and strides (a view is written as a dense copy in its own order: what is read back is an
 * equal array with the same shape and order, not a view). Arrays larger than 2 GiB are copied in
 * chunks like any other. Elements are written in the machine's byte order, which the header records;
 * reading on a machine of the other byte order is refused.
 *
 * <p>{@link KryoArraySerializer} plugs it into Kryo (Spark's serializer for broadcasts, task results
 * and shuffles); {@link #write(INDArray, DataOutput)} and {@link #read(DataInput)} serve Java
 * serialization ({@code writeObject}/{@code readObject} of classes that hold arrays).
 */
public final class ArrayCodec {

  /** Bytes copied per step between the native buffer and the stream. */
  static final int CHUNK = 1 << 20;

  private static final int MAGIC = 0x4D534131; // "MSA1"
  private static final byte LITTLE = 1;
  private static final byte BIG = 2;
  private static final byte NATIVE_ORDER = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? LITTLE : BIG;

  private ArrayCodec() {}

  /** Where the codec writes: a Kryo {@link Output} or a {@link DataOutput}, seen the same way. */
  interface Sink {
    void writeInt(int v) throws IOException;

    void writeLong(long v) throws IOException;

    void writeByte(int v) throws IOException;

    void writeBytes(byte[] b, int off, int len) throws IOException;
  }

  /** Where the codec reads from. */
  interface Source {
    int readInt() throws IOException;

    long readLong() throws IOException;

    byte readByte() throws IOException;

    void readBytes(byte[] b, int off, int len) throws IOException;
  }

  /** Writes {@code array} (null allowed) to a Java serialization stream or any {@link DataOutput}. */
  public static void write(INDArray array, DataOutput out) throws IOException {
    write(array, new Sink() {
      @Override public void writeInt(int v) throws IOException { out.writeInt(v); }
      @Override public void writeLong(long v) throws IOException { out.writeLong(v); }
      @Override public void writeByte(int v) throws IOException { out.writeByte(v); }
      @Override public void writeBytes(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
    });
  }

  /** Reads an array written by {@link #write(INDArray, DataOutput)}; null if null was written. */
  public static INDArray read(DataInput in) throws IOException {
    return read(new Source() {
      @Override public int readInt() throws IOException { return in.readInt(); }
      @Override public long readLong() throws IOException { return in.readLong(); }
      @Override public byte readByte() throws IOException { return in.readByte(); }
      @Override public void readBytes(byte[] b, int off, int len) throws IOException { in.readFully(b, off, len); }
    });
  }

  static void write(INDArray array, Sink out) throws IOException {
    out.writeInt(MAGIC);
    if (array == null) {
      out.writeByte(0);
      return;
    }
    DataType type = array.dataType();
    if (type == DataType.COMPRESSED || type == DataType.UNKNOWN) {
      throw new IllegalArgumentException("cannot serialize an ND4J array of data type " + type);
    }
    out.writeByte(1);
    out.writeByte(type.ordinal());
    out.writeByte(type == DataType.UTF8 ? 'c' : array.ordering()); // strings are written in c order
    out.writeByte(NATIVE_ORDER);
    long[] shape = array.shape();
    out.writeInt(shape.length);
    for (long s : shape) {
      out.writeLong(s);
    }
    if (array.isEmpty()) {
      return;
    }
    if (type == DataType.UTF8) { // variable-length: each string's length and UTF-8 bytes, in c order
      INDArray c = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
      out.writeLong(-1);
      for (long i = 0; i < c.length(); i++) {
        byte[] b = c.getString(i).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.writeBytes(b, 0, b.length);
      }
      return;
    }
    INDArray dense = dense(array);
    Nd4j.getAffinityManager().ensureLocation(dense, AffinityManager.Location.HOST);
    long bytes = dense.length() * type.width();
    out.writeLong(bytes);
    BytePointer p = new BytePointer(dense.data().addressPointer()).capacity(bytes).limit(bytes);
    byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
    for (long at = 0; at < bytes; at += chunk.length) {
      int n = (int) Math.min(chunk.length, bytes - at);
      p.position(at).get(chunk, 0, n);
      out.writeBytes(chunk, 0, n);
    }
    // the pointer does not keep the array alive: without this, a dense copy made above can be
    // collected, and its native buffer freed by ND4J's deallocator, while its bytes are being copied
    Reference.reachabilityFence(dense);
  }

  static INDArray read(Source in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(String.format("not an array written by ArrayCodec (header %08x, expected %08x)", magic, MAGIC));
    }
    if (in.readByte() == 0) {
      return null;
    }
    int typeOrdinal = in.readByte();
    DataType[] types = DataType.values();
    if (typeOrdinal < 0 || typeOrdinal >= types.length) {
      throw new IOException("unknown data type number " + typeOrdinal);
    }
    DataType type = types[typeOrdinal];
    char order = (char) in.readByte();
    if (order != 'c' && order != 'f') {
      throw new IOException("unknown array order '" + order + "'");
    }
    byte byteOrder = in.readByte();
    int rank = in.readInt();
    if (rank < 0 || rank > 32) {
      throw new IOException("array rank " + rank + " out of range [0, 32]");
    }
    long[] shape = new long[rank];
    long length = 1;
    for (int i = 0; i < rank; i++) {
      shape[i] = in.readLong();
      if (shape[i] < 0) {
        throw new IOException("negative array dimension " + shape[i]);
      }
      length = Math.multiplyExact(length, shape[i]);
    }
    if (length == 0) {
      return Nd4j.create(type, shape);
    }
    long bytes = in.readLong();
    if (type == DataType.UTF8) {
      if (length > Integer.MAX_VALUE - 8) {
        throw new IOException("string array of " + length + " elements: more than one Java list holds");
      }
      List<String> strings = new ArrayList<>((int) length);
      for (long i = 0; i < length; i++) {
        int n = in.readInt();
        if (n < 0) {
          throw new IOException("negative string length " + n);
        }
        byte[] b = new byte[n];
        in.readBytes(b, 0, n);
        strings.add(new String(b, StandardCharsets.UTF_8));
      }
      return Nd4j.create(strings, shape, 'c');
    }
    if (byteOrder != NATIVE_ORDER) {
      throw new IOException("array written in " + (byteOrder == LITTLE ? "little" : "big") + "-endian order; this machine is "
          + ByteOrder.nativeOrder());
    }
    if (bytes != length * type.width()) {
      throw new IOException("array of " + length + " " + type + " elements announces " + bytes + " bytes");
    }
    INDArray array = Nd4j.createUninitialized(type, shape, order);
    BytePointer p = new BytePointer(array.data().addressPointer()).capacity(bytes).limit(bytes);
    byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
    for (long at = 0; at < bytes; at += chunk.length) {
      int n = (int) Math.min(chunk.length, bytes - at);
      in.readBytes(chunk, 0, n);
      p.position(at).put(chunk, 0, n);
      Reference.reachabilityFence(array);
    }
    Nd4j.getAffinityManager().tagLocation(array, AffinityManager.Location.HOST);
    return array;
  }

  /**
   * {@code array} itself when its elements lie end to end in its buffer, in its order, from its first
   * element; otherwise a dense copy in the same order.
   */
  static INDArray dense(INDArray array) {
    boolean packed = !array.isView() && array.offset() == 0 && array.data().length() == array.length()
        && (array.length() == 1 || array.elementWiseStride() == 1);
    return packed ? array : array.dup(array.ordering());
  }

  /** Kryo serializer for ND4J arrays (register it for the backend's array class). */
  public static final class KryoArraySerializer extends Serializer<INDArray> {

    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
      ArrayCodec.write(array, output);
    }

    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
      return ArrayCodec.read(input);
    }
  }

  /** Writes {@code array} (null allowed) into a Kryo output: the form of the round's payloads. */
  static void write(INDArray array, Output out) {
    try {
      write(array, kryoSink(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an array {@link #write(INDArray, Output)} wrote. */
  static INDArray read(Input in) {
    try {
      return read(kryoSource(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Sink kryoSink(Output out) {
    return new Sink() {
      @Override public void writeInt(int v) { out.writeInt(v); }
      @Override public void writeLong(long v) { out.writeLong(v); }
      @Override public void writeByte(int v) { out.writeByte(v); }
      @Override public void writeBytes(byte[] b, int off, int len) { out.writeBytes(b, off, len); }
    };
  }

  static Source kryoSource(Input in) {
    return new Source() {
      @Override public int readInt() { return in.readInt(); }
      @Override public long readLong() { return in.readLong(); }
      @Override public byte readByte() { return in.readByte(); }
      @Override public void readBytes(byte[] b, int off, int len) { in.readBytes(b, off, len); }
    };
  }
}
