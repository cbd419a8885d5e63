package io.mishbench.activation;

import java.nio.ByteBuffer;

/**
 * One activation's element-wise math over float32 values in host memory: the loop that training
 * spends its activation time in. Buffers hold native-order floats starting at byte 0; indices are
 * element indices. Implementations write only inside {@code [from, to)}, so disjoint ranges of the
 * same buffers may run on different threads.
 */
interface FloatKernel {

  /** {@code x[i] = f(x[i])}. */
  void forward(ByteBuffer x, int from, int to);

  /** {@code x[i] = f'(x[i]) * eps[i]}: the layer input becomes the gradient with respect to it. */
  void backward(ByteBuffer x, ByteBuffer eps, int from, int to);
}
