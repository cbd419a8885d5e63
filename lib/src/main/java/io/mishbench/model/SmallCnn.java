package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A small CNN for quick runs (the landscape experiment's default network): conv 3x3/2 (8 x width
 * channels, at least 4) - batch norm - activation - conv 3x3/2 (16 x width, at least 4) - batch norm -
 * activation - dense 32 - activation - softmax. Unlike the {@link ModelZoo} families it is a
 * {@code MultiLayerNetwork} with a dense head (no global pooling), for grey images of a few dozen pixels.
 */
public final class SmallCnn {

  /** Its model name, beside {@link ModelZoo#NAMES}. */
  public static final String NAME = "cnn";

  private SmallCnn() {}

  /**
   * The configuration for {@code side x side} images of {@code channels} channels into {@code classes}
   * classes.
   */
  public static MultiLayerConfiguration configuration(String activation, double width, int side, int channels,
      int classes, long seed, IUpdater updater, double weightDecay) {
    ActivationRegistry.Spec act = ActivationRegistry.parse(activation);
    int c1 = Math.max(4, (int) Math.round(8 * width));
    int c2 = Math.max(4, (int) Math.round(16 * width));
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater)
        .weightDecay(weightDecay)
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(c1).stride(2, 2).convolutionMode(ConvolutionMode.Same)
            .activation(new ActivationIdentity()).build())
        .layer(new BatchNormalization.Builder().activation(act.create()).build())
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(c2).stride(2, 2).convolutionMode(ConvolutionMode.Same)
            .activation(new ActivationIdentity()).build())
        .layer(new BatchNormalization.Builder().activation(act.create()).build())
        .layer(new DenseLayer.Builder().nOut(32).activation(act.create()).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
            .activation(new ActivationSoftmax()).weightInit(WeightInit.XAVIER).build())
        .setInputType(InputType.convolutional(side, side, channels))
        .build();
  }
}
