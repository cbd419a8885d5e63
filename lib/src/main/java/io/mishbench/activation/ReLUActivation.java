package io.mishbench.activation;

import org.nd4j.linalg.api.ndarray.INDArray;

/** ReLU: max(x, 0), gradient 1 for x > 0 and 0 otherwise; the same kernels as leaky ReLU, slope 0. */
public final class ReLUActivation extends StableActivation {

  private static final long serialVersionUID = 1L;

  @Override
  public double value(double x) {
    return LeakyReLUActivation.value(x, 0);
  }

  @Override
  public double derivative(double x) {
    return LeakyReLUActivation.derivative(x, 0);
  }

  @Override
  public String name() {
    return "relu";
  }

  @Override
  FloatKernel vectorKernel(FloatKernel tail) {
    return VectorFloatKernels.leaky(0f, tail);
  }

  @Override
  INDArray opsValue(INDArray x) {
    return LeakyReLUActivation.opsValue(x, 0);
  }

  @Override
  INDArray opsDerivative(INDArray x) {
    return LeakyReLUActivation.opsDerivative(x, 0);
  }
}
