package io.mishbench.activation;

import java.nio.ByteBuffer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise DL4J activation whose value and gradient stay finite for every finite input, in
 * every floating-point type ND4J has. Subclasses state the math three times, and tests hold the
 * three to the same numbers:
 *
 * <ul>
 *   <li>{@link #value} and {@link #derivative} in double precision: the reference, used for float64
 *       arrays and wherever no faster kernel applies;
 *   <li>a Vector API loop for float32 in host memory ({@link VectorFloatKernels}), the training path;
 *   <li>a composition of ND4J operations ({@link #opsValue}, {@link #opsDerivative}) for arrays the
 *       JVM cannot address directly: device memory on CUDA, or more than 2 GiB.
 * </ul>
 *
 * <p>Like DL4J's own activations, {@link #getActivation} overwrites its input with f(x) and
 * {@link #backprop} overwrites the layer input with f'(x) * epsilon; backprop needs only the layer
 * input, never the forward output. NaN inputs give NaN outputs and gradients.
 *
 * <p>DL4J stores activations in its JSON configuration by class name plus fields, so subclasses need
 * a no-argument constructor, and every field that is not transient is part of the saved model.
 */
public abstract class StableActivation extends BaseActivationFunction {

  private static final long serialVersionUID = 1L;

  private transient volatile FloatKernel floatKernel;

  /** f(x), in double precision. */
  public abstract double value(double x);

  /** f'(x), in double precision. */
  public abstract double derivative(double x);

  /** The name {@link ActivationRegistry} knows this activation by, e.g. {@code leakyrelu:0.2}. */
  public abstract String name();

  /** The Vector API kernel; {@code tail} handles the elements left after the last full vector. */
  abstract FloatKernel vectorKernel(FloatKernel tail);

  /** f(x) as a new array, built from ND4J operations only (runs on any backend). */
  abstract INDArray opsValue(INDArray x);

  /** f'(x) as a new array, built from ND4J operations only (runs on any backend). */
  abstract INDArray opsDerivative(INDArray x);

  /** The float32 kernel this JVM runs (Vector API when enabled), created once per instance. */
  final FloatKernel floatKernel() {
    FloatKernel k = floatKernel;
    if (k == null) {
      k = KernelRunner.floatKernel(this);
      floatKernel = k;
    }
    return k;
  }

  /**
   * f over elements {@code [from, to)} of a dense native-order float32 buffer, in place: the hook
   * through which fused layers (batch norm or a residual sum followed by this activation) apply it to
   * a block while it is still in cache. Disjoint ranges may run on different threads.
   */
  public final void forwardFloats(ByteBuffer x, int from, int to) {
    floatKernel().forward(x, from, to);
  }

  /** {@code x[i] = f'(x[i]) * eps[i]} over {@code [from, to)}, in place, as {@link #forwardFloats}. */
  public final void backwardFloats(ByteBuffer x, ByteBuffer eps, int from, int to) {
    floatKernel().backward(x, eps, from, to);
  }

  @Override
  public final INDArray getActivation(INDArray in, boolean training) {
    KernelRunner.forward(this, in);
    return in;
  }

  @Override
  public final Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    KernelRunner.backward(this, in, epsilon);
    return new Pair<>(in, null);
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && ((StableActivation) o).name().equals(name());
  }

  @Override
  public int hashCode() {
    return name().hashCode();
  }

  @Override
  public String toString() {
    return name();
  }
}
