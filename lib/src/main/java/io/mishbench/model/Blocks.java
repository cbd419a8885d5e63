package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Building blocks shared by every model family, each adding vertices to a graph and returning the
 * name of its output vertex.
 */
final class Blocks {

  private final GraphBuilder graph;
  private final ActivationRegistry.Spec activation;

  Blocks(GraphBuilder graph, ActivationRegistry.Spec activation) {
    this.graph = graph;
    this.activation = activation;
  }

  /** Convolution (no bias, same padding), batch norm, activation: Darknet's "convolutional" block. */
  String convBnAct(String name, String input, int nOut, int kernel, int stride) {
    String bn = convBn(name, input, nOut, kernel, stride);
    graph.addLayer(name + "_act", new ActivationLayer.Builder().activation(activation.create()).build(), bn);
    return name + "_act";
  }

  /** Convolution and batch norm without activation (the linear end of a residual branch). */
  String convBn(String name, String input, int nOut, int kernel, int stride) {
    graph.addLayer(
        name + "_conv",
        new ConvolutionLayer.Builder(kernel, kernel)
            .stride(stride, stride)
            .nOut(nOut)
            .hasBias(false)
            .convolutionMode(ConvolutionMode.Same)
            .activation(new ActivationIdentity())
            .build(),
        input);
    // DL4J's batch norm never applies its activation; identity keeps the saved config from claiming sigmoid
    graph.addLayer(name + "_bn", new BatchNormalization.Builder().activation(new ActivationIdentity()).build(), name + "_conv");
    return name + "_bn";
  }

  /**
   * A ResNet bottleneck-free residual block: 1x1 then 3x3 convolution, added to the input with a
   * linear shortcut (Darknet's {@code [shortcut] activation=linear}).
   */
  String residual(String name, String input, int channels, int hidden) {
    String a = convBnAct(name + "_a", input, hidden, 1, 1);
    String b = convBnAct(name + "_b", a, channels, 3, 1);
    graph.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, b);
    return name + "_add";
  }

  /**
   * A cross-stage-partial stage (CSPNet): a strided 3x3 down-sampling convolution, then the feature
   * map is split into two 1x1 projections of half width; one goes through {@code blocks} residual
   * blocks and a 1x1 transition, the other is carried across; both are concatenated and fused by a
   * final 1x1 convolution.
   */
  String cspStage(String name, String input, int channels, int blocks) {
    String down = convBnAct(name + "_down", input, channels, 3, 2);
    int half = channels / 2;
    String cross = convBnAct(name + "_cross", down, half, 1, 1);
    String x = convBnAct(name + "_split", down, half, 1, 1);
    for (int i = 0; i < blocks; i++) {
      x = residual(name + "_res" + i, x, half, half);
    }
    String transition = convBnAct(name + "_trans", x, half, 1, 1);
    graph.addVertex(name + "_merge", new MergeVertex(), transition, cross);
    return convBnAct(name + "_fuse", name + "_merge", channels, 1, 1);
  }

  /** A plain residual stage: strided 3x3 down-sampling, then {@code blocks} residual blocks. */
  String resStage(String name, String input, int channels, int blocks) {
    String x = convBnAct(name + "_down", input, channels, 3, 2);
    for (int i = 0; i < blocks; i++) {
      x = residual(name + "_res" + i, x, channels, channels / 2);
    }
    return x;
  }
}
