package io.mishbench.model;

import io.mishbench.activation.StableActivation;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 loops of {@link FastBatchNormalizationLayer} over a dense NCHW array seen as
 * [N, C, P] (P = H x W): each (image, channel) plane is P consecutive floats. Every loop is one pass
 * over memory, parallel over channels (statistics) or planes (element-wise), with the Vector API
 * when the JVM has {@code jdk.incubator.vector} and plain loops otherwise. Sums are accumulated in
 * float vectors per plane and added up in double.
 */
final class BatchNormKernels {

  static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("mishbench.activation.scalar");

  private BatchNormKernels() {}

  /** The array's elements as native-order bytes, element 0 at byte 0 (a dense host array). */
  static ByteBuffer bytes(INDArray a) {
    ByteBuffer whole = a.data().asNio();
    whole.position((int) (a.offset() * 4));
    whole.limit((int) ((a.offset() + a.length()) * 4));
    return whole.slice().order(ByteOrder.nativeOrder());
  }

  /** Per channel: the mean and the biased variance (two passes: mean, then squared deviations). */
  static void stats(ByteBuffer x, int n, int c, int p, double[] mean, double[] var) {
    double count = (double) n * p;
    IntStream.range(0, c).parallel().forEach(ch -> {
      double s = 0;
      for (int i = 0; i < n; i++) {
        s += VECTOR ? Vec.sum(x, (i * c + ch) * p, p) : Scalar.sum(x, (i * c + ch) * p, p);
      }
      double m = s / count;
      double q = 0;
      for (int i = 0; i < n; i++) {
        q += VECTOR ? Vec.sumSquaredDeviation(x, (i * c + ch) * p, p, (float) m)
            : Scalar.sumSquaredDeviation(x, (i * c + ch) * p, p, (float) m);
      }
      mean[ch] = m;
      var[ch] = q / count;
    });
  }

  /**
   * {@code out = a[ch] * x + b[ch]} for every element of channel ch, then {@code out = f(out)} when
   * {@code f} is not null: batch norm and the activation after it in one pass, each plane activated
   * while it is still in cache.
   */
  static void affine(ByteBuffer x, ByteBuffer out, int n, int c, int p, float[] a, float[] b, StableActivation f) {
    IntStream.range(0, n * c).parallel().forEach(plane -> {
      int ch = plane % c;
      affinePlane(x, out, plane * p, p, a[ch], b[ch]);
      if (f != null) {
        f.forwardFloats(out, plane * p, (plane + 1) * p);
      }
    });
  }

  private static void affinePlane(ByteBuffer x, ByteBuffer out, int at, int p, float a, float b) {
    if (VECTOR) {
      Vec.affine(x, out, at, p, a, b);
    } else {
      Scalar.affine(x, out, at, p, a, b);
    }
  }

  /** Per channel: sum of dy, and sum of dy * (x - mean). */
  static void gradientSums(ByteBuffer dy, ByteBuffer x, int n, int c, int p, double[] mean, double[] sumDy,
      double[] sumDyXmu) {
    channelSums(dy, x, n, c, p, mean, sumDy, sumDyXmu, null);
  }

  /**
   * The activation's backward pass and batch norm's gradient sums in one pass: per plane,
   * {@code dz = f'(a[ch] * x + b[ch]) * dy} is written to {@code dz} (the normalised value recomputed
   * from the input, not stored), then summed into sum(dz) and sum(dz * (x - mean)) per channel.
   */
  static void activationGradientSums(ByteBuffer dy, ByteBuffer x, ByteBuffer dz, int n, int c, int p, float[] a,
      float[] b, StableActivation f, double[] mean, double[] sumDz, double[] sumDzXmu) {
    channelSums(dz, x, n, c, p, mean, sumDz, sumDzXmu, (ch, at) -> {
      affinePlane(x, dz, at, p, a[ch], b[ch]);
      f.backwardFloats(dz, dy, at, at + p);
    });
  }

  /** What to do to a plane (channel, first element) before it is summed. */
  @FunctionalInterface
  private interface PlaneStep {
    void run(int ch, int at);
  }

  /** Per channel, over its planes: sum of g and of g * (x - mean), each plane first given to {@code before} if any. */
  private static void channelSums(ByteBuffer g, ByteBuffer x, int n, int c, int p, double[] mean, double[] sumG,
      double[] sumGXmu, PlaneStep before) {
    IntStream.range(0, c).parallel().forEach(ch -> {
      double s = 0;
      double sx = 0;
      float m = (float) mean[ch];
      for (int i = 0; i < n; i++) {
        int at = (i * c + ch) * p;
        if (before != null) {
          before.run(ch, at);
        }
        if (VECTOR) {
          s += Vec.sum(g, at, p);
          sx += Vec.sumProductDeviation(g, x, at, p, m);
        } else {
          s += Scalar.sum(g, at, p);
          sx += Scalar.sumProductDeviation(g, x, at, p, m);
        }
      }
      sumG[ch] = s;
      sumGXmu[ch] = sx;
    });
  }

  /** {@code dx = a[ch] * dy + b[ch] * x + d[ch]}. */
  static void inputGradient(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int n, int c, int p, float[] a, float[] b,
      float[] d) {
    IntStream.range(0, n * c).parallel().forEach(plane -> {
      int ch = plane % c;
      if (VECTOR) {
        Vec.linear2(dy, x, dx, plane * p, p, a[ch], b[ch], d[ch]);
      } else {
        Scalar.linear2(dy, x, dx, plane * p, p, a[ch], b[ch], d[ch]);
      }
    });
  }

  /** Plain loops: any JVM. */
  private static final class Scalar {
    static double sum(ByteBuffer x, int from, int len) {
      float s = 0;
      for (int i = from; i < from + len; i++) {
        s += x.getFloat(i * 4);
      }
      return s;
    }

    static double sumSquaredDeviation(ByteBuffer x, int from, int len, float m) {
      float s = 0;
      for (int i = from; i < from + len; i++) {
        float d = x.getFloat(i * 4) - m;
        s += d * d;
      }
      return s;
    }

    static double sumProductDeviation(ByteBuffer dy, ByteBuffer x, int from, int len, float m) {
      float s = 0;
      for (int i = from; i < from + len; i++) {
        s += dy.getFloat(i * 4) * (x.getFloat(i * 4) - m);
      }
      return s;
    }

    static void affine(ByteBuffer x, ByteBuffer out, int from, int len, float a, float b) {
      for (int i = from; i < from + len; i++) {
        out.putFloat(i * 4, a * x.getFloat(i * 4) + b);
      }
    }

    static void linear2(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int len, float a, float b, float d) {
      for (int i = from; i < from + len; i++) {
        dx.putFloat(i * 4, a * dy.getFloat(i * 4) + b * x.getFloat(i * 4) + d);
      }
    }
  }

  /** Vector API loops (only loaded when the module is present). */
  private static final class Vec {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder O = ByteOrder.nativeOrder();

    private static FloatVector load(ByteBuffer b, int i) {
      return FloatVector.fromByteBuffer(S, b, i * 4, O);
    }

    static double sum(ByteBuffer x, int from, int len) {
      FloatVector acc = FloatVector.zero(S);
      int i = from;
      int bound = from + S.loopBound(len);
      for (; i < bound; i += S.length()) {
        acc = acc.add(load(x, i));
      }
      double s = acc.reduceLanes(VectorOperators.ADD);
      for (; i < from + len; i++) {
        s += x.getFloat(i * 4);
      }
      return s;
    }

    static double sumSquaredDeviation(ByteBuffer x, int from, int len, float m) {
      FloatVector acc = FloatVector.zero(S);
      int i = from;
      int bound = from + S.loopBound(len);
      for (; i < bound; i += S.length()) {
        FloatVector d = load(x, i).sub(m);
        acc = d.fma(d, acc);
      }
      double s = acc.reduceLanes(VectorOperators.ADD);
      for (; i < from + len; i++) {
        float d = x.getFloat(i * 4) - m;
        s += d * d;
      }
      return s;
    }

    static double sumProductDeviation(ByteBuffer dy, ByteBuffer x, int from, int len, float m) {
      FloatVector acc = FloatVector.zero(S);
      int i = from;
      int bound = from + S.loopBound(len);
      for (; i < bound; i += S.length()) {
        acc = load(dy, i).fma(load(x, i).sub(m), acc);
      }
      double s = acc.reduceLanes(VectorOperators.ADD);
      for (; i < from + len; i++) {
        s += dy.getFloat(i * 4) * (x.getFloat(i * 4) - m);
      }
      return s;
    }

    static void affine(ByteBuffer x, ByteBuffer out, int from, int len, float a, float b) {
      int i = from;
      int bound = from + S.loopBound(len);
      for (; i < bound; i += S.length()) {
        load(x, i).fma(a, b).intoByteBuffer(out, i * 4, O);
      }
      for (; i < from + len; i++) {
        out.putFloat(i * 4, a * x.getFloat(i * 4) + b);
      }
    }

    static void linear2(ByteBuffer dy, ByteBuffer x, ByteBuffer dx, int from, int len, float a, float b, float d) {
      int i = from;
      int bound = from + S.loopBound(len);
      for (; i < bound; i += S.length()) {
        load(dy, i).fma(FloatVector.broadcast(S, a), load(x, i).fma(b, d)).intoByteBuffer(dx, i * 4, O);
      }
      for (; i < from + len; i++) {
        dx.putFloat(i * 4, a * dy.getFloat(i * 4) + b * x.getFloat(i * 4) + d);
      }
    }
  }
}
