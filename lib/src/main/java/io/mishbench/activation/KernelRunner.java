package io.mishbench.activation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link StableActivation} over an array: picks the kernel for the array's type and memory,
 * splits long arrays across the common fork-join pool, and falls back to copies for layouts the
 * kernels cannot walk directly.
 *
 * <ul>
 *   <li>float32 and float64 in host memory with unit element stride: in place, no temporaries;
 *   <li>float16 and bfloat16, on every path: computed in float32 and rounded once (exp(20)
 *       alone overflows float16);
 *   <li>other strides: a dense copy, computed, then assigned back;
 *   <li>device memory (CUDA) or buffers over 2 GiB: ND4J operations ({@link StableActivation#opsValue}).
 * </ul>
 */
final class KernelRunner {

  private static final Logger log = LoggerFactory.getLogger(KernelRunner.class);

  /** The JDK module the fast float32 kernels need ({@code --add-modules=jdk.incubator.vector}). */
  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** Set this system property to {@code true} to use the scalar kernels even with the Vector API. */
  static final String SCALAR_PROPERTY = "mishbench.activation.scalar";

  /** Arrays shorter than this run on the calling thread: splitting costs more than it saves. */
  static final int MIN_CHUNK = 1 << 15;

  private static final boolean VECTOR =
      ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent() && !Boolean.getBoolean(SCALAR_PROPERTY);

  private static volatile Boolean hostMemory;

  /** Tests set this to run the ND4J-operations path (the one CUDA uses) on the CPU. */
  static volatile boolean forceOps;

  static {
    if (VECTOR) {
      log.info("float32 activations use the Vector API ({} lanes)", VectorFloatKernels.lanes());
    } else {
      log.warn("float32 activations use scalar kernels, several times slower: start the JVM with "
          + "--add-modules={} (submit-scripts/mishbench does) for the SIMD ones", VECTOR_MODULE);
    }
  }

  private KernelRunner() {}

  /** Which float32 kernels this JVM runs, for logs and provenance: {@code vector-16} or {@code scalar}. */
  static String kernelName() {
    return VECTOR ? "vector-" + VectorFloatKernels.lanes() : "scalar";
  }

  static FloatKernel floatKernel(StableActivation a) {
    FloatKernel scalar = new ScalarFloatKernel(a);
    return VECTOR ? a.vectorKernel(scalar) : scalar;
  }

  /** {@code in = f(in)}. */
  static void forward(StableActivation a, INDArray in) {
    DataType type = requireFloating(in);
    if (in.isEmpty()) {
      return;
    }
    if (type == DataType.HALF || type == DataType.BFLOAT16) {
      INDArray wide = in.castTo(DataType.FLOAT);
      forward(a, wide);
      in.assign(wide);
    } else if (useOps(in)) {
      in.assign(a.opsValue(in));
    } else if (!dense(in)) {
      INDArray copy = in.dup(in.ordering());
      forward(a, copy);
      in.assign(copy);
    } else {
      ByteBuffer x = bytes(in);
      if (type == DataType.FLOAT) {
        FloatKernel k = a.floatKernel();
        parallel((int) in.length(), (from, to) -> k.forward(x, from, to));
      } else {
        parallel((int) in.length(), (from, to) -> {
          for (int i = from; i < to; i++) {
            x.putDouble(i * Double.BYTES, a.value(x.getDouble(i * Double.BYTES)));
          }
        });
      }
    }
  }

  /** {@code in = f'(in) * eps}; {@code eps} is not modified. */
  static void backward(StableActivation a, INDArray in, INDArray eps) {
    DataType type = requireFloating(in);
    if (in.isEmpty()) {
      return;
    }
    if (type == DataType.HALF || type == DataType.BFLOAT16) {
      INDArray wide = in.castTo(DataType.FLOAT);
      backward(a, wide, eps.castTo(DataType.FLOAT));
      in.assign(wide);
    } else if (useOps(in) || useOps(eps)) {
      in.assign(a.opsDerivative(in).muli(eps.castTo(type)));
    } else if (!dense(in)) {
      INDArray copy = in.dup(in.ordering());
      backward(a, copy, eps);
      in.assign(copy);
    } else {
      INDArray e = eps.dataType() == type && dense(eps) && eps.ordering() == in.ordering()
          ? eps
          : eps.castTo(type).dup(in.ordering());
      ByteBuffer x = bytes(in);
      ByteBuffer g = bytes(e);
      if (type == DataType.FLOAT) {
        FloatKernel k = a.floatKernel();
        parallel((int) in.length(), (from, to) -> k.backward(x, g, from, to));
      } else {
        parallel((int) in.length(), (from, to) -> {
          for (int i = from; i < to; i++) {
            int at = i * Double.BYTES;
            x.putDouble(at, a.derivative(x.getDouble(at)) * g.getDouble(at));
          }
        });
      }
    }
  }

  private static DataType requireFloating(INDArray in) {
    DataType type = in.dataType();
    if (!type.isFPType()) {
      throw new IllegalArgumentException("activations need a floating-point array, got " + type);
    }
    return type;
  }

  /** Whether the array must go through ND4J operations instead of the host kernels. */
  private static boolean useOps(INDArray a) {
    if (forceOps) {
      return true;
    }
    Boolean host = hostMemory;
    if (host == null) {
      host = Nd4j.getEnvironment().isCPU();
      hostMemory = host;
    }
    // a ByteBuffer addresses at most 2 GiB, and the kernels map the whole underlying buffer
    return !host || a.data().length() * a.dataType().width() > Integer.MAX_VALUE;
  }

  /** Elements one after another in memory, in the array's own order. */
  private static boolean dense(INDArray a) {
    return a.elementWiseStride() == 1;
  }

  /** The array's elements as native-order bytes, element 0 at byte 0. */
  private static ByteBuffer bytes(INDArray a) {
    ByteBuffer whole = a.data().asNio();
    whole.position((int) (a.offset() * a.dataType().width()));
    whole.limit((int) ((a.offset() + a.length()) * a.dataType().width()));
    return whole.slice().order(ByteOrder.nativeOrder());
  }

  @FunctionalInterface
  interface Range {
    void run(int from, int to);
  }

  /** Runs {@code body} over {@code [0, n)} in chunks on the common pool (and this thread). */
  static void parallel(int n, Range body) {
    int chunks = Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, n / MIN_CHUNK);
    if (chunks <= 1) {
      body.run(0, n);
      return;
    }
    // chunk starts on multiples of 64 elements keep every chunk's vectors aligned alike
    int size = ((n + chunks - 1) / chunks + 63) & ~63;
    IntStream.range(0, chunks).parallel().forEach(c -> body.run(Math.min(n, c * size), Math.min(n, (c + 1) * size)));
  }
}
