package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Pair;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link GemmConvolution} computes what DL4J's ConvolutionLayer computes, forward and backward, for
 * every kernel, stride and padding the zoo uses (and a bias and an activation inside the layer, which
 * it does not), its gradients match finite differences, it trains inside DL4J's workspaces like the
 * original, and it survives JSON and model files.
 */
class GemmConvolutionTest {

  private DataType before;

  @BeforeEach
  void doublePrecision() {
    before = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @AfterEach
  void restore() {
    Nd4j.setDefaultDataTypes(before, before);
  }

  private static ComputationGraphConfiguration graph(boolean gemm, int in, int out, int kernel, int stride,
      int size, boolean bias, Activation act, DataType type) {
    ConvolutionLayer.Builder b = gemm ? new GemmConvolution.Builder(kernel, kernel) : new ConvolutionLayer.Builder(kernel, kernel);
    ConvolutionLayer conv = b.stride(stride, stride).padding(kernel / 2, kernel / 2).nOut(out).hasBias(bias)
        .convolutionMode(ConvolutionMode.Truncate).activation(act).build();
    return new NeuralNetConfiguration.Builder().seed(7).dataType(type).updater(new Sgd(0.1)).graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(size, size, in))
        .addLayer("conv", conv, "in")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out").build();
  }

  private static MultiLayerNetwork list(boolean gemm, int in, int out, int kernel, int stride, int size, boolean bias,
      Activation act) {
    ConvolutionLayer.Builder b = gemm ? new GemmConvolution.Builder(kernel, kernel) : new ConvolutionLayer.Builder(kernel, kernel);
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
        .updater(new NoOp()).list()
        .layer(b.stride(stride, stride).padding(kernel / 2, kernel / 2).nOut(out).hasBias(bias)
            .convolutionMode(ConvolutionMode.Truncate).activation(act).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build())
        .setInputType(InputType.convolutional(size, size, in)).build());
    net.init();
    return net;
  }

  @ParameterizedTest(name = "{0} -> {1} channels, kernel {2}, stride {3}, {4}x{4}, bias {5}, {6}")
  @CsvSource({
      "3, 5, 3, 1, 9, false, IDENTITY",
      "3, 5, 3, 2, 9, false, IDENTITY",
      "4, 6, 1, 1, 7, false, IDENTITY",
      "4, 6, 1, 2, 7, false, IDENTITY",
      "3, 4, 7, 2, 12, false, IDENTITY",
      "2, 3, 3, 2, 8, true, TANH",
      "5, 2, 1, 1, 5, true, IDENTITY"
  })
  void equalsDl4jConvolutionForwardAndBackward(int in, int out, int kernel, int stride, int size, boolean bias,
      Activation act) {
    MultiLayerNetwork dl4j = list(false, in, out, kernel, stride, size, bias, act);
    MultiLayerNetwork gemm = list(true, in, out, kernel, stride, size, bias, act);
    gemm.setParams(dl4j.params().dup());
    assertTrue(((GemmConvolutionLayer) gemm.getLayer(0)).computesWithGemm(), "the GEMM path, not DL4J's");
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, in, size, size).subi(0.5);
    INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0);

    INDArray expected = dl4j.feedForward(x, false).get(1);
    INDArray actual = gemm.feedForward(x, false).get(1);
    assertEquals(0, expected.sub(actual).amaxNumber().doubleValue(), 1e-12, "forward");

    Pair<Gradient, INDArray> gExpected = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> gActual = gemm.calculateGradients(x, y, null, null);
    for (String key : gExpected.getFirst().gradientForVariable().keySet()) {
      INDArray e = gExpected.getFirst().getGradientFor(key);
      INDArray a = gActual.getFirst().getGradientFor(key);
      assertEquals(0, e.sub(a).amaxNumber().doubleValue(), 1e-12, "gradient of " + key);
    }
    assertEquals(0, gExpected.getSecond().sub(gActual.getSecond()).amaxNumber().doubleValue(), 1e-12, "input gradient");
  }

  @ParameterizedTest(name = "kernel {0}, stride {1}")
  @CsvSource({"3, 1", "3, 2", "1, 2"})
  void gradientsMatchFiniteDifferences(int kernel, int stride) {
    ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
        .updater(new NoOp()).graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(6, 6, 2))
        .addLayer("conv", new GemmConvolution.Builder(kernel, kernel).stride(stride, stride).padding(kernel / 2, kernel / 2)
            .nOut(3).hasBias(false).convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build(), "in")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out").build());
    net.init();
    Nd4j.getRandom().setSeed(11);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 6);
    INDArray labels = Nd4j.eye(3).getRows(0, 2);
    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)), "gradient check");
  }

  @Test
  void trainsInsideWorkspacesExactlyLikeDl4jConvolution() {
    // float32 and DL4J's default workspace mode: ten SGD steps of each network from the same weights
    ComputationGraph dl4j = new ComputationGraph(graph(false, 3, 8, 3, 2, 16, false, Activation.RELU, DataType.FLOAT));
    dl4j.init();
    ComputationGraph gemm = new ComputationGraph(graph(true, 3, 8, 3, 2, 16, false, Activation.RELU, DataType.FLOAT));
    gemm.init();
    gemm.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(5);
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 3, 16, 16), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT));
    double first = 0;
    for (int i = 0; i < 10; i++) {
      dl4j.fit(d);
      gemm.fit(d);
      first = i == 0 ? gemm.score() : first;
    }
    assertEquals(0, dl4j.params().sub(gemm.params()).amaxNumber().doubleValue(), 1e-4, "parameters after 10 steps");
    assertTrue(gemm.score() < first, "loss went down: " + first + " -> " + gemm.score());
  }

  @Test
  void survivesJsonAndModelFiles() throws IOException {
    ComputationGraphConfiguration conf = graph(true, 3, 4, 3, 1, 8, false, Activation.IDENTITY, DataType.FLOAT);
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    assertInstanceOf(GemmConvolutionLayer.class, restored.getLayer("conv"));
    assertEquals(net.params(), restored.params());
  }
}
