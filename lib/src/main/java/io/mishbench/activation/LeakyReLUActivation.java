package io.mishbench.activation;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Leaky ReLU: f(x) = x for x > 0, slope * x otherwise; f'(x) = 1 or slope. The default slope is
 * Darknet's 0.1 ({@link ActivationRegistry#DEFAULT_LEAKY_SLOPE}), not DL4J's 0.01.
 */
public final class LeakyReLUActivation extends StableActivation {

  private static final long serialVersionUID = 1L;

  private double slope;

  /** Slope 0.1, as Darknet's CSP models use (and what DL4J's JSON reader starts from). */
  public LeakyReLUActivation() {
    this(ActivationRegistry.DEFAULT_LEAKY_SLOPE);
  }

  /**
   * @param slope the gradient for x <= 0, in [0, 1)
   * @throws IllegalArgumentException naming the slope when it is outside [0, 1) or NaN
   */
  public LeakyReLUActivation(double slope) {
    this.slope = ActivationRegistry.checkSlope(slope);
  }

  /** The gradient for x <= 0. */
  public double slope() {
    return slope;
  }

  @Override
  public double value(double x) {
    return value(x, slope);
  }

  @Override
  public double derivative(double x) {
    return derivative(x, slope);
  }

  @Override
  public String name() {
    return slope == ActivationRegistry.DEFAULT_LEAKY_SLOPE ? "leakyrelu" : "leakyrelu:" + slope;
  }

  @Override
  FloatKernel vectorKernel(FloatKernel tail) {
    return VectorFloatKernels.leaky((float) slope, tail);
  }

  @Override
  INDArray opsValue(INDArray x) {
    return opsValue(x, slope);
  }

  @Override
  INDArray opsDerivative(INDArray x) {
    return opsDerivative(x, slope);
  }

  // shared with ReLUActivation, which is this with slope 0

  static double value(double x, double slope) {
    return x > 0 ? x : slope * x + 0.0; // + 0.0: slope 0 gives 0, not -0
  }

  static double derivative(double x, double slope) {
    if (x > 0) {
      return 1;
    }
    return x <= 0 ? slope : x; // NaN stays NaN
  }

  static INDArray opsValue(INDArray x, double slope) {
    return factor(x, slope).muli(x);
  }

  static INDArray opsDerivative(INDArray x, double slope) {
    return factor(x, slope).addi(x.sub(x)); // x - x: 0, or NaN where x is NaN
  }

  /** 1 where x > 0, slope elsewhere. */
  private static INDArray factor(INDArray x, double slope) {
    return x.gt(0).castTo(x.dataType()).muli(1 - slope).addi(slope);
  }
}
