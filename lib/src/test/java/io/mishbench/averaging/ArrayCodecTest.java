package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.train.SparkSetup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;

/** ArrayCodec writes and reads back every kind of ND4J array exactly, through Kryo and Java serialization. */
class ArrayCodecTest {

  private static final SerializerInstance KRYO =
      new KryoSerializer(SparkSetup.withDefaults(new SparkConf())).newInstance();

  /** Numeric and boolean types, as ND4J's casts make them from a fixed pattern. */
  static Stream<DataType> types() {
    return Stream.of(DataType.DOUBLE, DataType.FLOAT, DataType.HALF, DataType.BFLOAT16, DataType.LONG, DataType.INT,
        DataType.SHORT, DataType.BYTE, DataType.UBYTE, DataType.UINT16, DataType.UINT32, DataType.UINT64,
        DataType.BOOL);
  }

  private static INDArray pattern(DataType type, long... shape) {
    INDArray d = Nd4j.linspace(DataType.DOUBLE, -7, 3.5, shape.length == 0 ? 1 : Math.max(1, lengthOf(shape)));
    INDArray shaped = shape.length == 0 ? d.reshape() : d.reshape(shape);
    return type == DataType.BOOL ? shaped.gt(0) : shaped.castTo(type);
  }

  private static long lengthOf(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  /** Arrays of one type: plain c and f order, scalar, vector, empty, and views with offsets and strides. */
  private static List<INDArray> cases(DataType type) {
    List<INDArray> arrays = new ArrayList<>();
    INDArray m = pattern(type, 6, 5, 4);
    arrays.add(m);
    arrays.add(m.dup('f'));
    arrays.add(pattern(type));
    arrays.add(pattern(type, 17));
    arrays.add(Nd4j.create(type, 0));
    arrays.add(Nd4j.create(type, 3, 0, 2));
    arrays.add(m.get(NDArrayIndex.interval(1, 4), NDArrayIndex.all(), NDArrayIndex.point(2))); // offset, strides
    arrays.add(m.get(NDArrayIndex.interval(2, 6)));                                        // offset, contiguous
    arrays.add(m.permute(2, 0, 1));                                                        // permuted
    arrays.add(m.dup('f').get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 5)));        // f-order, every 2nd column
    arrays.add(m.tensorAlongDimension(3, 1));                                              // a row inside
    return arrays;
  }

  private static void assertSame(INDArray expected, INDArray actual) {
    assertEquals(expected.dataType(), actual.dataType());
    assertArrayEquals(expected.shape(), actual.shape());
    assertEquals(expected.ordering(), actual.ordering(), "order of " + expected.shapeInfoToString());
    assertEquals(expected.isEmpty(), actual.isEmpty());
    if (!expected.isEmpty()) {
      assertEquals(expected, actual);
      // bit for bit: compare the raw bytes of dense copies (NaN payloads and -0.0 included)
      assertArrayEquals(rawBytes(expected), rawBytes(actual));
    }
  }

  private static byte[] rawBytes(INDArray a) {
    INDArray d = a.dup('c');
    ByteBuffer b = d.data().asNio();
    byte[] out = new byte[(int) (d.length() * d.dataType().width())];
    b.get(out);
    return out;
  }

  @ParameterizedTest
  @MethodSource("types")
  void kryoRoundTripIsExact(DataType type) {
    for (INDArray a : cases(type)) {
      INDArray back = KRYO.deserialize(KRYO.serialize(a, ClassTag$.MODULE$.apply(INDArray.class)),
          ClassTag$.MODULE$.apply(INDArray.class));
      assertSame(a, back);
    }
  }

  @ParameterizedTest
  @MethodSource("types")
  void dataStreamRoundTripIsExact(DataType type) throws IOException {
    for (INDArray a : cases(type)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ArrayCodec.write(a, new DataOutputStream(bytes));
      assertSame(a, ArrayCodec.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }
  }

  @Test
  void specialFloatValuesKeepTheirBits() {
    INDArray f = Nd4j.createFromArray(Float.NaN, Float.intBitsToFloat(0x7fc00123), -0f, Float.MIN_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    INDArray back = KRYO.deserialize(KRYO.serialize(f, ClassTag$.MODULE$.apply(INDArray.class)),
        ClassTag$.MODULE$.apply(INDArray.class));
    assertArrayEquals(rawBytes(f), rawBytes(back));
  }

  @Test
  void stringsAndNullsRoundTrip() throws IOException {
    INDArray s = Nd4j.create("mish", "swish", "leaky ReLU", "Ünïcödé");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    ArrayCodec.write(s, out);
    ArrayCodec.write(null, out);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    INDArray back = ArrayCodec.read(in);
    assertEquals(s, back);
    assertNull(ArrayCodec.read(in));
  }

  @Test
  void payloadsSurviveJavaAndKryoSerialization() throws Exception {
    INDArray p = pattern(DataType.FLOAT, 1, 1000);
    INDArray u = pattern(DataType.FLOAT, 1, 2000).muli(3);
    RoundState state = new RoundState(p.get(NDArrayIndex.all(), NDArrayIndex.interval(10, 500)), u, 1234, 7);
    for (RoundState back : List.of(javaRoundTrip(state),
        KRYO.<RoundState>deserialize(KRYO.serialize(state, ClassTag$.MODULE$.apply(RoundState.class)),
            ClassTag$.MODULE$.apply(RoundState.class)))) {
      assertSame(state.params(), back.params());
      assertSame(u, back.updater());
      assertEquals(1234, back.iteration());
      assertEquals(7, back.epoch());
    }
    int parts = WorkerResult.Part.values().length;
    long[] nanos = new long[parts];
    long[] others = new long[parts];
    for (int i = 0; i < parts; i++) {
      nanos[i] = i + 1;
      others[i] = parts - i;
    }
    WorkerResult r = WorkerResult.of(3, "executor_h_1", p.dup(), null, 0.5, 64, 2, true, nanos)
        .plus(WorkerResult.of(1, "executor_h_2", p.dup(), null, 1.5, 32, 1, false, others));
    for (WorkerResult back : List.of(javaRoundTrip(r),
        KRYO.<WorkerResult>deserialize(KRYO.serialize(r, ClassTag$.MODULE$.apply(WorkerResult.class)),
            ClassTag$.MODULE$.apply(WorkerResult.class)))) {
      assertSame(p.mul(2), back.params());
      assertNull(back.updater());
      assertEquals(2, back.workers());
      assertEquals(1.0, back.meanScore(), 1e-12);
      assertEquals(96, back.images());
      assertEquals(3, back.minibatches());
      assertEquals(1, back.networksBuilt());
      assertEquals(parts + 1, back.sumNanos(WorkerResult.Part.FETCH));
      assertEquals(parts, back.maxNanos(WorkerResult.Part.FETCH));
      assertEquals(java.util.Map.of(1, "executor_h_2", 3, "executor_h_1"), back.locations());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T javaRoundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void corruptInputIsAClearError() throws IOException {
    IOException e = assertThrows(IOException.class,
        () -> ArrayCodec.read(new DataInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))));
    assertTrue(e.getMessage().contains("not an array written by ArrayCodec"), e.getMessage());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ArrayCodec.write(pattern(DataType.FLOAT, 100), new DataOutputStream(bytes));
    byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 10);
    assertThrows(java.io.EOFException.class,
        () -> ArrayCodec.read(new DataInputStream(new ByteArrayInputStream(cut))));
  }

  /**
   * An array of more than 2 GiB (a byte array: 2^31 + 4096 elements) goes through in chunks. It needs
   * about 7 GB (the array, its Kryo copy, the array read back), so it runs only with
   * {@code -Dmishbench.test.large-arrays=true} (mvn -B -pl lib test -Dtest=ArrayCodecTest -Dmishbench.test.large-arrays=true).
   */
  @Test
  void arraysOverTwoGibibytesAreCopiedInChunks() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("mishbench.test.large-arrays"),
        "large-array test off (-Dmishbench.test.large-arrays=true)");
    long n = (1L << 31) + 4096;
    INDArray big = Nd4j.createUninitialized(DataType.BYTE, n);
    big.putScalar(0, 7);
    big.putScalar(n - 1, -3);
    big.putScalar(n / 2, 42);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("arraycodec", ".bin");
    try {
      try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
          java.nio.file.Files.newOutputStream(file), 1 << 20))) {
        ArrayCodec.write(big, out);
      }
      assertEquals(n + 28, java.nio.file.Files.size(file), "28 header bytes and the elements");
      INDArray back;
      try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
          java.nio.file.Files.newInputStream(file), 1 << 20))) {
        back = ArrayCodec.read(in);
      }
      assertEquals(n, back.length());
      assertEquals(7.0, back.getDouble(0));
      assertEquals(-3.0, back.getDouble(n - 1));
      assertEquals(42.0, back.getDouble(n / 2));
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }
}
