package io.mishbench.model;

import static io.mishbench.model.Tolerance.maxRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Batch norm with the activation fused into it ({@link FastBatchNormalization} configured with an
 * activation, as the zoo's conv-bn-act blocks build it) computes what DL4J's batch norm followed by an
 * ActivationLayer computes: the same training output, parameter and input gradients, twenty training
 * steps to the same parameters, the same inference output; its fallback path (float64, where DL4J's
 * batch norm computes and the activation is applied after it) passes a gradient check; and the
 * activation survives JSON and model files.
 */
class FusedBatchNormActivationTest {

  private static IActivation act(String name) {
    return ActivationRegistry.parse(name).create();
  }

  /** conv, batch norm (+ activation layer unless fused), pooling, softmax output. */
  private static MultiLayerConfiguration conf(String activation, boolean fused, DataType type, int size) {
    var list = new NeuralNetConfiguration.Builder().seed(3).dataType(type)
        .updater(type == DataType.DOUBLE ? new NoOp() : new Nesterovs(0.05, 0.9)).list()
        .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(6).hasBias(false)
            .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build());
    if (fused) {
      list.layer(FastBatchNormalization.of(new BatchNormalization.Builder().activation(act(activation)).build()));
    } else {
      list.layer(new BatchNormalization.Builder().activation(new ActivationIdentity()).build());
      list.layer(new ActivationLayer.Builder().activation(act(activation)).build());
    }
    return list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build())
        .setInputType(InputType.convolutional(size, size, 2)).build();
  }

  private static MultiLayerNetwork net(String activation, boolean fused, DataType type, int size) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf(activation, fused, type, size));
    net.init();
    return net;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mish", "swish", "leakyrelu", "relu"})
  void forwardAndGradientsEqualBatchNormThenActivationLayer(String activation) {
    MultiLayerNetwork dl4j = net(activation, false, DataType.FLOAT, 9); // 81 pixels: vector loops and tails
    MultiLayerNetwork fused = net(activation, true, DataType.FLOAT, 9);
    assertEquals(dl4j.numParams(), fused.numParams());
    fused.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, 9, 9).muli(4).subi(1);
    INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0, 1).castTo(DataType.FLOAT);
    INDArray expected = dl4j.feedForward(x, true).get(3);
    INDArray actual = fused.feedForward(x, true).get(2);
    assertEquals(1, ((FastBatchNormalizationLayer) fused.getLayer(1)).fastPasses, "the fused path ran");
    assertTrue(maxRelative(expected, actual) < 1e-5, "forward: " + maxRelative(expected, actual));

    Pair<Gradient, INDArray> e = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> a = fused.calculateGradients(x, y, null, null);
    for (String key : a.getFirst().gradientForVariable().keySet()) {
      String ref = key.startsWith("3_") ? "4_" + key.substring(2) : key; // the output layer's index differs
      double err = maxRelative(e.getFirst().getGradientFor(ref), a.getFirst().getGradientFor(key));
      assertTrue(err < 1e-4, "gradient of " + key + ": " + err);
    }
    assertTrue(maxRelative(e.getSecond(), a.getSecond()) < 1e-4, "input gradient: " + maxRelative(e.getSecond(), a.getSecond()));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mish", "leakyrelu"})
  void trainsToTheSameParametersAndInfersAlike(String activation) {
    MultiLayerNetwork dl4j = net(activation, false, DataType.FLOAT, 16);
    MultiLayerNetwork fused = net(activation, true, DataType.FLOAT, 16);
    fused.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(9);
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 2, 16, 16).muli(3).addi(2),
        Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT));
    for (int i = 0; i < 20; i++) {
      dl4j.fit(d);
      fused.fit(d);
    }
    assertEquals(20, ((FastBatchNormalizationLayer) fused.getLayer(1)).fastPasses, "the fused path ran");
    double err = maxRelative(dl4j.params(), fused.params());
    assertTrue(err < 1e-3, "parameters after 20 steps: " + err);
    INDArray inference = fused.output(d.getFeatures(), false);
    assertEquals(21, ((FastBatchNormalizationLayer) fused.getLayer(1)).fastPasses, "inference took the fused path");
    assertTrue(maxRelative(dl4j.output(d.getFeatures(), false), inference) < 1e-3, "inference with running statistics");
    MultiLayerNetwork same = net(activation, false, DataType.FLOAT, 16); // batch norm + activation layer, these parameters
    same.setParams(fused.params().dup());
    double same1 = maxRelative(same.output(d.getFeatures(), false), inference);
    assertTrue(same1 < 1e-5, "inference on the same parameters: " + same1);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mish", "swish", "leakyrelu"})
  void fallbackPathPassesAGradientCheck(String activation) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      MultiLayerNetwork net = net(activation, true, DataType.DOUBLE, 5);
      Nd4j.getRandom().setSeed(7);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5).subi(0.5).muli(4);
      INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0).castTo(DataType.DOUBLE);
      boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
          .excludeParams(java.util.Set.of("1_mean", "1_var", "1_log10stdev")));
      assertTrue(ok, "gradient check of batch norm + " + activation);
      assertEquals(0, ((FastBatchNormalizationLayer) net.getLayer(1)).fastPasses, "float64 takes the fallback path");
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }

  @Test
  void activationSurvivesJsonAndModelFiles() throws IOException {
    MultiLayerConfiguration c = conf("mish", true, DataType.FLOAT, 8);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(c.toJson());
    assertEquals(c, back);
    MultiLayerNetwork net = new MultiLayerNetwork(c);
    net.init();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
    assertInstanceOf(FastBatchNormalizationLayer.class, restored.getLayer(1));
    assertEquals(act("mish"), ((BatchNormalization) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getActivationFn());
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 8, 8);
    assertEquals(net.output(x, false), restored.output(x, false));
  }
}
