package io.mishbench.activation;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Swish / SiLU: f(x) = x sigmoid(x), f'(x) = s (1 + x (1 - s)) with s = sigmoid(x).
 *
 * <p>Computed from e = exp(-|x|), which never overflows: sigmoid(x) is 1 / (1 + e) for x >= 0 and
 * e / (1 + e) below, and 1 - s is the other one, so neither f nor f' loses digits to cancellation
 * and very negative inputs give 0 instead of DL4J's NaN.
 */
public final class SwishActivation extends StableActivation {

  private static final long serialVersionUID = 1L;

  @Override
  public double value(double x) {
    double e = Math.exp(-Math.abs(x));
    double r = 1 / (1 + e);
    return x * (x >= 0 ? r : e * r);
  }

  @Override
  public double derivative(double x) {
    double e = Math.exp(-Math.abs(x));
    double r = 1 / (1 + e);
    double s = x >= 0 ? r : e * r;
    double c = x >= 0 ? e * r : r;
    return s * (1 + x * c);
  }

  @Override
  public String name() {
    return "swish";
  }

  @Override
  FloatKernel vectorKernel(FloatKernel tail) {
    return VectorFloatKernels.swish(tail);
  }

  @Override
  INDArray opsValue(INDArray x) {
    return Transforms.sigmoid(x, true).muli(x);
  }

  @Override
  INDArray opsDerivative(INDArray x) {
    INDArray s = Transforms.sigmoid(x, true);
    return s.rsub(1).muli(x).addi(1).muli(s);
  }
}
