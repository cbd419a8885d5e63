package io.mishbench.activation;

import java.nio.ByteBuffer;

/**
 * A {@link FloatKernel} that evaluates the activation's double-precision formulas one element at a
 * time. Used where the Vector API is not enabled, and for the few elements a vector loop leaves over.
 */
final class ScalarFloatKernel implements FloatKernel {

  private final StableActivation activation;

  ScalarFloatKernel(StableActivation activation) {
    this.activation = activation;
  }

  @Override
  public void forward(ByteBuffer x, int from, int to) {
    for (int i = from; i < to; i++) {
      x.putFloat(i * Float.BYTES, (float) activation.value(x.getFloat(i * Float.BYTES)));
    }
  }

  @Override
  public void backward(ByteBuffer x, ByteBuffer eps, int from, int to) {
    for (int i = from; i < to; i++) {
      int at = i * Float.BYTES;
      x.putFloat(at, (float) (activation.derivative(x.getFloat(at)) * eps.getFloat(at)));
    }
  }
}
