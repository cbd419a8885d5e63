package io.mishbench.model;

import static io.mishbench.model.Tolerance.maxRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link FastBatchNormalization} computes, in float32, what DL4J's batch norm computes: the same
 * training-mode output, the same gradients of gamma, beta and the input, the same running-statistics
 * update (log10 std and plain variance), so twenty training steps end at the same parameters; and it
 * survives JSON and model files.
 */
class FastBatchNormalizationTest {

  private static MultiLayerConfiguration conf(boolean fast, boolean logStd, int size) {
    BatchNormalization bn = new BatchNormalization.Builder().useLogStd(logStd).activation(new ActivationIdentity()).build();
    return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new Nesterovs(0.05, 0.9)).list()
        .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(6).hasBias(false)
            .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build())
        .layer(fast ? FastBatchNormalization.of(bn) : bn)
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build())
        .setInputType(InputType.convolutional(size, size, 2)).build();
  }

  private static MultiLayerNetwork net(boolean fast, boolean logStd, int size) {
    MultiLayerNetwork net = new MultiLayerNetwork(conf(fast, logStd, size));
    net.init();
    return net;
  }

  @ParameterizedTest(name = "useLogStd {0}")
  @ValueSource(booleans = {true, false})
  void forwardAndGradientsEqualDl4j(boolean logStd) {
    MultiLayerNetwork dl4j = net(false, logStd, 9); // 9x9 = 81 pixels: vector loops and their scalar tails
    MultiLayerNetwork fast = net(true, logStd, 9);
    fast.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 5, 2, 9, 9).muli(4).subi(1);
    INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0, 1).castTo(DataType.FLOAT);
    INDArray expected = dl4j.feedForward(x, true).get(2);
    INDArray actual = fast.feedForward(x, true).get(2);
    assertEquals(1, ((FastBatchNormalizationLayer) fast.getLayer(1)).fastPasses, "the fast path ran");
    assertTrue(maxRelative(expected, actual) < 1e-5, "forward: " + maxRelative(expected, actual));

    Pair<Gradient, INDArray> e = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> a = fast.calculateGradients(x, y, null, null);
    for (String key : e.getFirst().gradientForVariable().keySet()) {
      double err = maxRelative(e.getFirst().getGradientFor(key), a.getFirst().getGradientFor(key));
      assertTrue(err < 1e-4, "gradient of " + key + ": " + err);
    }
    assertTrue(maxRelative(e.getSecond(), a.getSecond()) < 1e-4, "input gradient");
  }

  @ParameterizedTest(name = "useLogStd {0}")
  @ValueSource(booleans = {true, false})
  void trainsToTheSameParametersAndRunningStatistics(boolean logStd) {
    MultiLayerNetwork dl4j = net(false, logStd, 16);
    MultiLayerNetwork fast = net(true, logStd, 16);
    fast.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(9);
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 2, 16, 16).muli(3).addi(2),
        Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT));
    for (int i = 0; i < 20; i++) {
      dl4j.fit(d);
      fast.fit(d);
    }
    assertEquals(20, ((FastBatchNormalizationLayer) fast.getLayer(1)).fastPasses, "the fast path ran");
    // the running mean moved away from its initial 0 (the input is shifted by 2): the update is really applied
    INDArray globalMean = fast.getLayer(1).getParam("mean");
    assertTrue(globalMean.amaxNumber().doubleValue() > 0.1, "running mean " + globalMean);
    for (String key : dl4j.paramTable().keySet()) {
      double err = maxRelative(dl4j.paramTable().get(key), fast.paramTable().get(key));
      assertTrue(err < 1e-3, key + " after 20 steps: " + err);
    }
    INDArray inference = fast.output(d.getFeatures(), false);
    assertEquals(21, ((FastBatchNormalizationLayer) fast.getLayer(1)).fastPasses, "inference took the fast path");
    assertTrue(maxRelative(dl4j.output(d.getFeatures(), false), inference) < 1e-3, "inference with running statistics");
    MultiLayerNetwork same = net(false, logStd, 16); // DL4J's inference on exactly these parameters
    same.setParams(fast.params().dup());
    double err = maxRelative(same.output(d.getFeatures(), false), inference);
    assertTrue(err < 1e-5, "inference on the same parameters: " + err);
  }

  @Test
  void survivesJsonAndModelFiles() throws IOException {
    MultiLayerConfiguration c = conf(true, true, 8);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(c.toJson());
    assertEquals(c, back);
    MultiLayerNetwork net = new MultiLayerNetwork(c);
    net.init();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
    assertInstanceOf(FastBatchNormalizationLayer.class, restored.getLayer(1));
    assertEquals(((BatchNormalization) c.getConf(1).getLayer()).getDecay(),
        ((BatchNormalization) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getDecay());
    assertEquals(net.params(), restored.params());
  }
}
