package io.mishbench.activation;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 kernels written with the JDK's Vector API ({@code jdk.incubator.vector}), whose
 * {@code EXP} compiles to SIMD code (Intel SVML on x86): one pass over memory per call and one
 * {@code exp} per element, which is what makes Mish about as cheap as ReLU.
 *
 * <p>Only {@link KernelRunner} touches this class, and only after checking that the JVM was started
 * with {@code --add-modules=jdk.incubator.vector}; without it the class would not link.
 *
 * <p>Every activation has its own loop on purpose: the JIT keeps vectors in registers only when the
 * whole loop body is inlined, and a loop shared through a virtual call would box every vector. The
 * formulas are the same as the scalar ones in each activation class, which handles the leftover
 * elements at the end of a range.
 */
final class VectorFloatKernels {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final int STEP = SPECIES.length();

  private VectorFloatKernels() {}

  /** Lanes per vector on this CPU, e.g. 16 with AVX-512. */
  static int lanes() {
    return STEP;
  }

  private static FloatVector load(ByteBuffer b, int i) {
    return FloatVector.fromByteBuffer(SPECIES, b, i * Float.BYTES, ORDER);
  }

  private static int loopEnd(int from, int to) {
    return from + SPECIES.loopBound(to - from);
  }

  /** Mish, see {@link MishActivation}: t = w / (w + 2), w = n (n + 2), n = exp(min(x, 20)). */
  static FloatKernel mish(FloatKernel tail) {
    final float threshold = (float) MishActivation.THRESHOLD;
    return new FloatKernel() {
      @Override
      public void forward(ByteBuffer b, int from, int to) {
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector x = load(b, i);
          FloatVector n = x.min(threshold).lanewise(VectorOperators.EXP);
          FloatVector w = n.mul(n.add(2f));
          x.mul(w.div(w.add(2f))).intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.forward(b, i, to);
      }

      @Override
      public void backward(ByteBuffer b, ByteBuffer eps, int from, int to) {
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector xc = load(b, i).min(threshold);
          FloatVector n = xc.lanewise(VectorOperators.EXP);
          FloatVector w = n.mul(n.add(2f));
          FloatVector r = FloatVector.broadcast(SPECIES, 1f).div(w.add(2f));
          FloatVector t = w.mul(r);
          FloatVector s = n.div(n.add(1f));
          // 1 - t^2 = 4 (w + 1) r^2, without the cancellation of 1 - t*t near t = 1
          FloatVector oneMinusT2 = w.add(1f).mul(4f).mul(r).mul(r);
          FloatVector d = xc.mul(s).mul(oneMinusT2).add(t);
          d.mul(load(eps, i)).intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.backward(b, eps, i, to);
      }
    };
  }

  /**
   * Swish, see {@link SwishActivation}: e = exp(-|x|) never overflows; s = sigmoid(x) and
   * c = 1 - s are both taken from e without cancellation.
   */
  static FloatKernel swish(FloatKernel tail) {
    return new FloatKernel() {
      @Override
      public void forward(ByteBuffer b, int from, int to) {
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector x = load(b, i);
          FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
          FloatVector r = FloatVector.broadcast(SPECIES, 1f).div(e.add(1f));
          FloatVector s = e.mul(r).blend(r, x.compare(VectorOperators.GE, 0f));
          x.mul(s).intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.forward(b, i, to);
      }

      @Override
      public void backward(ByteBuffer b, ByteBuffer eps, int from, int to) {
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector x = load(b, i);
          FloatVector e = x.abs().neg().lanewise(VectorOperators.EXP);
          FloatVector r = FloatVector.broadcast(SPECIES, 1f).div(e.add(1f));
          FloatVector er = e.mul(r);
          VectorMask<Float> positive = x.compare(VectorOperators.GE, 0f);
          FloatVector s = er.blend(r, positive);
          FloatVector c = r.blend(er, positive);
          FloatVector d = s.mul(x.mul(c).add(1f));
          d.mul(load(eps, i)).intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.backward(b, eps, i, to);
      }
    };
  }

  /** Leaky ReLU with {@code slope} (0 gives ReLU); NaN inputs give NaN gradients. */
  static FloatKernel leaky(float slope, FloatKernel tail) {
    return new FloatKernel() {
      @Override
      public void forward(ByteBuffer b, int from, int to) {
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector x = load(b, i);
          // + 0 turns the -0.0 of a negative input times slope 0 into 0.0
          x.blend(x.mul(slope).add(0f), x.compare(VectorOperators.LE, 0f))
              .intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.forward(b, i, to);
      }

      @Override
      public void backward(ByteBuffer b, ByteBuffer eps, int from, int to) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int i = from;
        for (int end = loopEnd(from, to); i < end; i += STEP) {
          FloatVector x = load(b, i);
          FloatVector d = one.blend(slope, x.compare(VectorOperators.LE, 0f))
              .blend(x, x.compare(VectorOperators.NE, x)); // NaN stays NaN
          d.mul(load(eps, i)).intoByteBuffer(b, i * Float.BYTES, ORDER);
        }
        tail.backward(b, eps, i, to);
      }
    };
  }
}
