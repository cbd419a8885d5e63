package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The precision targets: for every finite input of a type, f and f' are finite and match the
 * double-precision textbook formulas ({@link Reference}). Errors are relative, or absolute where the
 * reference is below 1e-6 in magnitude (1e-7 for float32, 1e-13 for float64). f' of Mish and Swish
 * crosses zero, where no relative bound can hold: its error is relative to the size of its terms
 * ({@link Reference#dfScale}), which is |f'| everywhere else. Each case runs on the path training uses (Vector API kernels for float32, scalar
 * double kernels for float64) and on the ND4J-operations path that CUDA uses.
 */
class ActivationNumericsTest {

  static final List<String> ACTIVATIONS = List.of("mish", "swish", "leakyrelu", "leakyrelu:0.2", "relu");

  /** [-100, 100] every 1/1024 (exact in float32), the extremes, and 200k random finite floats. */
  static float[] float32Inputs() {
    DoubleStream grid = DoubleStream.iterate(-100, x -> x <= 100, x -> x + 1.0 / 1024);
    double[] extremes = {0, -0.0, 1e4, -1e4, 3.4e38, -3.4e38, 1e-38, -1e-38, Float.MAX_VALUE, -Float.MAX_VALUE,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, 20, 20.000002, 88.7, -88.7, -104, 710};
    SplittableRandom random = new SplittableRandom(42);
    DoubleStream randomBits = random.ints(200_000).mapToDouble(Float::intBitsToFloat).filter(Double::isFinite);
    double[] all = DoubleStream.concat(DoubleStream.concat(grid, DoubleStream.of(extremes)), randomBits).toArray();
    float[] out = new float[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = (float) all[i];
    }
    return out;
  }

  static double[] float64Inputs() {
    DoubleStream grid = DoubleStream.iterate(-100, x -> x <= 100, x -> x + 1.0 / 1024);
    double[] extremes = {0, -0.0, 1e4, -1e4, 3.4e38, -3.4e38, 1e-38, -1e-38, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.MIN_VALUE, -Double.MIN_VALUE, 20, Math.nextUp(20.0), 709.8, -709.8, -745, 800, -800};
    SplittableRandom random = new SplittableRandom(43);
    DoubleStream randomBits = random.longs(200_000).mapToDouble(Double::longBitsToDouble).filter(Double::isFinite);
    return DoubleStream.concat(DoubleStream.concat(grid, DoubleStream.of(extremes)), randomBits).toArray();
  }

  @AfterEach
  void backToTrainingPath() {
    KernelRunner.forceOps = false;
  }

  static List<Object[]> cases() {
    return ACTIVATIONS.stream()
        .flatMap(a -> List.of(new Object[] {a, false}, new Object[] {a, true}).stream())
        .toList();
  }

  @ParameterizedTest(name = "{0} float32, ops path {1}")
  @MethodSource("cases")
  void float32MatchesTheDoubleReference(String name, boolean opsPath) {
    KernelRunner.forceOps = opsPath;
    float[] xs = float32Inputs();
    INDArray x = Nd4j.createFromArray(xs);
    Worst[] w = measure(name, x, toDoubles(xs));
    System.out.printf("%s float32 (ops path %s), %d inputs: f %s; f' %s%n", name, opsPath, xs.length, w[0], w[1]);
    w[0].assertWithin(name + " float32 f", 1e-6, 1e-7);
    w[1].assertWithin(name + " float32 f'", 1e-5, 1e-7);
  }

  /** The kernels a JVM without {@code --add-modules=jdk.incubator.vector} runs, held to the same bounds. */
  @ParameterizedTest(name = "{0} float32, scalar kernel")
  @MethodSource("io.mishbench.activation.ActivationNumericsTest#names")
  void scalarFloat32KernelMatchesTheDoubleReference(String name) {
    StableActivation a = ActivationRegistry.parse(name).create();
    float[] xs = float32Inputs();
    ByteBuffer f = floats(xs);
    ByteBuffer df = floats(xs);
    FloatKernel scalar = new ScalarFloatKernel(a);
    scalar.forward(f, 0, xs.length);
    scalar.backward(df, onesBuffer(xs.length), 0, xs.length);
    Worst wf = new Worst();
    Worst wd = new Worst();
    for (int i = 0; i < xs.length; i++) {
      double ref = Reference.f(name, xs[i]);
      wf.add(f.getFloat(i * 4), ref, Math.abs(ref), xs[i]);
      wd.add(df.getFloat(i * 4), Reference.df(name, xs[i]), Reference.dfScale(name, xs[i]), xs[i]);
    }
    System.out.printf("%s float32 scalar kernel: f %s; f' %s%n", name, wf, wd);
    wf.assertWithin(name + " float32 scalar f", 1e-6, 1e-7);
    wd.assertWithin(name + " float32 scalar f'", 1e-5, 1e-7);
  }

  static List<String> names() {
    return ACTIVATIONS;
  }

  @Test
  void testJvmsRunTheVectorKernels() {
    // surefire's argLine adds the module as submit-scripts/mishbench does; losing it would make
    // every test above silently measure the scalar fallback instead of the training path
    assertTrue(KernelRunner.kernelName().startsWith("vector-"), KernelRunner.kernelName());
  }

  private static ByteBuffer floats(float[] xs) {
    ByteBuffer b = ByteBuffer.allocateDirect(xs.length * 4).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(xs);
    return b;
  }

  private static ByteBuffer onesBuffer(int n) {
    float[] ones = new float[n];
    Arrays.fill(ones, 1f);
    return floats(ones);
  }

  @ParameterizedTest(name = "{0} float64, ops path {1}")
  @MethodSource("cases")
  void float64MatchesTheDoubleReference(String name, boolean opsPath) {
    KernelRunner.forceOps = opsPath;
    double[] xs = float64Inputs();
    Worst[] w = measure(name, Nd4j.createFromArray(xs), xs);
    System.out.printf("%s float64 (ops path %s), %d inputs: f %s; f' %s%n", name, opsPath, xs.length, w[0], w[1]);
    w[0].assertWithin(name + " float64 f", 1e-12, 1e-13);
    w[1].assertWithin(name + " float64 f'", 1e-12, 1e-13);
  }

  @ParameterizedTest(name = "{0} float16 and bfloat16, ops path {1}")
  @MethodSource("cases")
  void halfPrecisionsGiveNoNaN(String name, boolean opsPath) {
    KernelRunner.forceOps = opsPath;
    for (DataType type : List.of(DataType.HALF, DataType.BFLOAT16)) {
      double max = type == DataType.HALF ? 65504 : 3.38e38;
      double[] xs = DoubleStream.concat(DoubleStream.iterate(-100, x -> x <= 100, x -> x + 1.0 / 64),
          DoubleStream.of(max, -max, 6e-8, -6e-8, 0)).toArray();
      INDArray x = Nd4j.createFromArray(xs).castTo(type);
      StableActivation a = ActivationRegistry.parse(name).create();
      INDArray f = a.getActivation(x.dup(), true).castTo(DataType.DOUBLE);
      INDArray df = a.backprop(x.dup(), Nd4j.onesLike(x)).getFirst().castTo(DataType.DOUBLE);
      assertFalse(Double.isNaN(f.sumNumber().doubleValue()), name + " " + type + ": NaN in f");
      assertFalse(Double.isNaN(df.sumNumber().doubleValue()), name + " " + type + ": NaN in f'");
      // and the values are the reference rounded once, to the type's precision (2^-8 for bfloat16)
      INDArray xd = x.castTo(DataType.DOUBLE);
      for (int i = 0; i < xs.length; i += 97) {
        double ref = Reference.f(name, xd.getDouble(i));
        assertEquals(ref, f.getDouble(i), Math.abs(ref) * 1.0 / 128 + 1e-6, name + " " + type + " at " + xd.getDouble(i));
      }
    }
  }

  @ParameterizedTest(name = "{0} propagates NaN, ops path {1}")
  @MethodSource("cases")
  void nanInputsGiveNaN(String name, boolean opsPath) {
    KernelRunner.forceOps = opsPath;
    StableActivation a = ActivationRegistry.parse(name).create();
    for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE, DataType.HALF)) {
      // long enough that the NaNs land in vector lanes and in the scalar tail
      INDArray x = Nd4j.linspace(-30, 30, 1000, DataType.DOUBLE).castTo(type);
      for (int i : new int[] {0, 17, 500, 999}) {
        x.putScalar(i, Double.NaN);
      }
      INDArray f = a.getActivation(x.dup(), true);
      INDArray df = a.backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
      for (int i = 0; i < 1000; i++) {
        boolean nan = Double.isNaN(x.getDouble(i));
        assertEquals(nan, Double.isNaN(f.getDouble(i)), name + " " + type + " f at " + i);
        assertEquals(nan, Double.isNaN(df.getDouble(i)), name + " " + type + " f' at " + i);
      }
    }
  }

  /** Worst relative error where |reference| >= 1e-6 and worst absolute error below, with where. */
  static final class Worst {
    double relative;
    double absolute;
    double relativeAt;
    double absoluteAt;

    /** {@code scale} is |ref|, or for f' the magnitude of its terms ({@link Reference#dfScale}). */
    void add(double got, double ref, double scale, double x) {
      double err = Double.isFinite(got) ? Math.abs(got - ref) : Double.POSITIVE_INFINITY;
      if (scale >= 1e-6) {
        if (!(err / scale <= relative)) {
          relative = err / scale;
          relativeAt = x;
        }
      } else if (!(err <= absolute)) {
        absolute = err;
        absoluteAt = x;
      }
    }

    void assertWithin(String what, double relativeBound, double absoluteBound) {
      assertTrue(relative <= relativeBound,
          () -> what + ": relative error " + relative + " at x = " + relativeAt + " exceeds " + relativeBound);
      assertTrue(absolute <= absoluteBound,
          () -> what + ": absolute error " + absolute + " at x = " + absoluteAt + " exceeds " + absoluteBound);
    }

    @Override
    public String toString() {
      return String.format("relative %.3g (x = %s), absolute %.3g (x = %s)", relative, relativeAt, absolute, absoluteAt);
    }
  }

  /** Errors of f and f' on {@code x} (any float type) against the reference at {@code xs}. */
  static Worst[] measure(String name, INDArray x, double[] xs) {
    StableActivation a = ActivationRegistry.parse(name).create();
    INDArray f = a.getActivation(x.dup(), true).castTo(DataType.DOUBLE);
    INDArray eps = Nd4j.onesLike(x);
    INDArray df = a.backprop(x.dup(), eps).getFirst().castTo(DataType.DOUBLE);
    assertEquals(1.0, eps.minNumber().doubleValue(), 0, "backprop must not modify epsilon");
    assertEquals(1.0, eps.maxNumber().doubleValue(), 0, "backprop must not modify epsilon");
    Worst wf = new Worst();
    Worst wd = new Worst();
    double[] fs = f.toDoubleVector();
    double[] ds = df.toDoubleVector();
    for (int i = 0; i < xs.length; i++) {
      double ref = Reference.f(name, xs[i]);
      wf.add(fs[i], ref, Math.abs(ref), xs[i]);
      wd.add(ds[i], Reference.df(name, xs[i]), Reference.dfScale(name, xs[i]), xs[i]);
    }
    return new Worst[] {wf, wd};
  }

  private static double[] toDoubles(float[] xs) {
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }
}
