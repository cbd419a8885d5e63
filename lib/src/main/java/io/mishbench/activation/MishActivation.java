package io.mishbench.activation;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Mish (Misra 2019): f(x) = x tanh(softplus(x)), f'(x) = t + x sigmoid(x) (1 - t^2) with
 * t = tanh(softplus(x)).
 *
 * <p>Computed with a single exp: with n = e^x and w = n (n + 2), tanh(softplus(x)) = w / (w + 2),
 * sigmoid(x) = n / (n + 1) and 1 - t^2 = 4 (w + 1) / (w + 2)^2, so nothing cancels and nothing
 * overflows. Like Darknet's and PyTorch's softplus threshold, x is clamped at {@link #THRESHOLD}
 * before the exp: above it t is 1 to within 1e-17 and f(x) = x, f'(x) = 1 in every precision.
 * DL4J's built-in {@code ActivationMish} instead divides two overflowing terms and returns NaN
 * gradients from x = 22 in float32.
 */
public final class MishActivation extends StableActivation {

  private static final long serialVersionUID = 1L;

  /** Inputs above this are treated as this inside the exp (Darknet's MISH_THRESHOLD). */
  public static final double THRESHOLD = 20;

  @Override
  public double value(double x) {
    double n = Math.exp(Math.min(x, THRESHOLD));
    double w = n * (n + 2);
    return x * (w / (w + 2));
  }

  @Override
  public double derivative(double x) {
    double xc = Math.min(x, THRESHOLD);
    double n = Math.exp(xc);
    double w = n * (n + 2);
    double r = 1 / (w + 2);
    double s = n / (n + 1);
    return w * r + xc * s * (4 * (w + 1) * r * r);
  }

  @Override
  public String name() {
    return "mish";
  }

  @Override
  FloatKernel vectorKernel(FloatKernel tail) {
    return VectorFloatKernels.mish(tail);
  }

  @Override
  INDArray opsValue(INDArray x) {
    INDArray w = w(clamped(x));
    return w.div(w.add(2)).muli(x);
  }

  @Override
  INDArray opsDerivative(INDArray x) {
    INDArray xc = clamped(x);
    INDArray n = Transforms.exp(xc, true);
    INDArray w = n.add(2).muli(n);
    INDArray r = w.add(2).rdivi(1);
    INDArray s = n.div(n.add(1));
    INDArray t = w.mul(r);
    return w.addi(1).muli(4).muli(r).muli(r).muli(s).muli(xc).addi(t);
  }

  /** min(x, THRESHOLD) as a new array, keeping NaN (ND4J's scalar min would turn NaN into 20). */
  private static INDArray clamped(INDArray x) {
    INDArray xc = x.dup();
    BooleanIndexing.replaceWhere(xc, THRESHOLD, Conditions.greaterThan(THRESHOLD));
    return xc;
  }

  private static INDArray w(INDArray xc) {
    INDArray n = Transforms.exp(xc, false);
    return n.add(2).muli(n);
  }
}
