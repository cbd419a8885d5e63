package io.mishbench.experiments;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Perturbed inputs: Gaussian noise, FGSM and PGD. The attacks follow the gradient of the network's
 * loss with respect to its input, which DL4J computes: {@code MultiLayerNetwork.calculateGradients}
 * returns it as the second element (the epsilon at the input). DL4J backpropagates through the
 * training-mode forward pass, so the network given to the attacks must be one whose training and
 * inference passes agree ({@link DepthNetwork#inferenceTwin}). Adversarial images are clipped to the
 * valid pixel range [0, 1].
 */
public final class Attacks {

  private Attacks() {}

  /**
   * d(mean loss over all rows)/d(input), the shape of {@code features}, computed in minibatches of
   * {@code batch}. DL4J's input epsilon is the gradient of the minibatch's summed loss (it averages only
   * the parameter gradients; DepthNetworkTest checks this against finite differences), hence the 1/n.
   */
  public static INDArray inputGradient(MultiLayerNetwork net, INDArray features, INDArray labels, int batch) {
    long n = features.size(0);
    INDArray grad = Nd4j.createUninitialized(features.dataType(), features.shape());
    for (long start = 0; start < n; start += batch) {
      long end = Math.min(n, start + batch);
      INDArray x = features.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).dup();
      INDArray y = labels.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).dup();
      INDArray g = net.calculateGradients(x, y, null, null).getSecond();
      grad.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).assign(g.muli(1.0 / n));
    }
    net.clear();
    return grad;
  }

  /** FGSM: {@code clip(x + epsilon sign(grad), 0, 1)}; epsilon 0 returns {@code x} unchanged. */
  public static INDArray fgsm(MultiLayerNetwork twin, INDArray x, INDArray labels, double epsilon, int batch) {
    requireNonNegative(epsilon, "epsilon");
    if (epsilon == 0) {
      return x.dup();
    }
    INDArray g = inputGradient(twin, x, labels, batch);
    return clip01(x.add(Transforms.sign(g, false).muli(epsilon)));
  }

  /**
   * PGD without random start: {@code steps} times {@code x' <- clip(x' + step sign(grad(x')))} projected
   * onto the L-infinity ball of radius {@code epsilon} around {@code x} and onto [0, 1].
   */
  public static INDArray pgd(MultiLayerNetwork twin, INDArray x, INDArray labels, double epsilon, int steps,
      double step, int batch) {
    requireNonNegative(epsilon, "epsilon");
    if (steps < 1) {
      throw new IllegalArgumentException("PGD needs at least one step, got " + steps);
    }
    if (epsilon == 0) {
      return x.dup();
    }
    INDArray lo = x.sub(epsilon);
    INDArray hi = x.add(epsilon);
    INDArray adv = x.dup();
    for (int s = 0; s < steps; s++) {
      INDArray g = inputGradient(twin, adv, labels, batch);
      adv.addi(Transforms.sign(g, false).muli(step));
      adv = Transforms.min(Transforms.max(adv, lo, false), hi, false);
      adv = clip01(adv);
    }
    return adv;
  }

  /** {@code x + std N(0, 1)}, not clipped; std 0 returns {@code x} unchanged. Deterministic in {@code seed}. */
  public static INDArray gaussianNoise(INDArray x, double std, long seed) {
    requireNonNegative(std, "noise std");
    if (std == 0) {
      return x.dup();
    }
    Random rng = new Random(seed);
    float[] noise = new float[(int) x.length()];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) (std * rng.nextGaussian());
    }
    return x.add(Nd4j.create(noise, x.shape(), x.dataType()).reshape(x.shape()).castTo(x.dataType()));
  }

  private static INDArray clip01(INDArray a) {
    return Transforms.min(Transforms.max(a, 0.0, false), 1.0, false);
  }

  private static void requireNonNegative(double v, String what) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
    }
  }
}
