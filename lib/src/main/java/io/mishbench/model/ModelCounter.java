package io.mishbench.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;

/**
 * Counts a network from its configuration, without allocating it: DL4J's parameter count, the
 * weights the CSPNet and torchvision papers count (convolution and dense weights; no batch-norm
 * values, no biases) and multiply-accumulates per image of convolution and dense layers (published
 * BFLOPs are twice these).
 */
public final class ModelCounter {

  /**
   * @param params DL4J numParams: weights, biases and batch-norm gamma, beta, mean and variance
   * @param weights convolution and dense weights only
   * @param macs multiply-accumulates of convolution and dense layers for one image
   * @param trainable the TensorFlow and PyTorch count: {@code params} less batch norm's running mean
   *     and variance (weights, biases, batch-norm gamma and beta)
   */
  public record Counts(long params, long weights, long macs, long trainable) {}

  private ModelCounter() {}

  /** Counts {@code conf} for inputs of {@code input} (height, width, channels). */
  public static Counts count(ComputationGraphConfiguration conf, InputType input) {
    Map<String, InputType> outputs = conf.getLayerActivationTypes(input);
    long params = 0;
    long weights = 0;
    long macs = 0;
    long runningStatistics = 0;
    for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
      if (!(e.getValue() instanceof LayerVertex vertex)) {
        continue;
      }
      Layer layer = vertex.getLayerConf().getLayer();
      params += layer.initializer().numParams(layer);
      if (layer instanceof BatchNormalization bn) {
        runningStatistics += 2 * bn.getNOut();
      }
      long w = weights(layer);
      weights += w;
      macs += w * positions(layer, outputs.get(e.getKey()));
    }
    return new Counts(params, weights, macs, params - runningStatistics);
  }

  /** Weights of one layer: kernel volume times input and output channels, or nIn x nOut. */
  static long weights(Layer layer) {
    if (layer instanceof GroupedConv2D g) {
      return g.weightCount();
    }
    if (layer instanceof DepthwiseConvolution2D d) {
      return d.getNIn() * d.getDepthMultiplier() * area(d.getKernelSize());
    }
    if (layer instanceof SeparableConvolution2D s) {
      return s.getNIn() * s.getDepthMultiplier() * area(s.getKernelSize()) + s.getNIn() * s.getDepthMultiplier() * s.getNOut();
    }
    if (layer instanceof ConvolutionLayer c) {
      return c.getNIn() * c.getNOut() * area(c.getKernelSize());
    }
    if (layer instanceof FeedForwardLayer f && !(layer instanceof BatchNormalization)) {
      return f.getNIn() * f.getNOut();
    }
    return 0;
  }

  /** Output positions each weight is applied at: height x width of a convolution's output, else 1. */
  private static long positions(Layer layer, InputType out) {
    if ((layer instanceof ConvolutionLayer || layer instanceof GroupedConv2D)
        && out instanceof InputType.InputTypeConvolutional c) {
      return c.getHeight() * c.getWidth();
    }
    return 1;
  }

  private static long area(int[] kernel) {
    return (long) kernel[0] * kernel[1];
  }
}
