package io.mishbench.model;

import static io.mishbench.model.Tolerance.maxRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link GemmConvolutionLayer}'s float32 path over the whole minibatch at once (maps of fewer than
 * {@link GemmConvolutionLayer#BATCHED_BELOW_POSITIONS} positions) computes what DL4J's ConvolutionLayer
 * and the one-product-per-image path compute, forward and backward, for the kernels, strides, padding
 * and bias the zoo uses, and ten training steps end at the same parameters; maps too large for it and
 * strided 1x1 convolutions keep the per-image path.
 */
class GemmConvolutionBatchedTest {

  private static MultiLayerNetwork net(int kind, int in, int out, int kernel, int stride, int size, boolean bias) {
    ConvolutionLayer.Builder b = kind == 0 ? new ConvolutionLayer.Builder(kernel, kernel) : new GemmConvolution.Builder(kernel, kernel);
    String before = System.getProperty(GemmConvolutionLayer.PER_IMAGE_PROPERTY);
    if (kind == 2) {
      System.setProperty(GemmConvolutionLayer.PER_IMAGE_PROPERTY, "true");
    }
    try {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
          .updater(new Nesterovs(0.05, 0.9)).list()
          .layer(b.stride(stride, stride).padding(kernel / 2, kernel / 2).nOut(out).hasBias(bias)
              .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build())
          .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
          .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build())
          .setInputType(InputType.convolutional(size, size, in)).build());
      net.init();
      return net;
    } finally {
      if (before == null) {
        System.clearProperty(GemmConvolutionLayer.PER_IMAGE_PROPERTY);
      } else {
        System.setProperty(GemmConvolutionLayer.PER_IMAGE_PROPERTY, before);
      }
    }
  }

  @ParameterizedTest(name = "{0} -> {1} channels, kernel {2}, stride {3}, {4}x{4}, bias {5}, batched {6}")
  @CsvSource({
      "6, 10, 1, 1, 7, false, true",
      "6, 10, 3, 1, 9, false, true",
      "6, 10, 3, 2, 9, false, true",
      "3, 4, 7, 2, 12, true, true",
      "5, 8, 1, 1, 14, true, true",
      "4, 6, 1, 2, 7, false, false",
      "2, 3, 3, 1, 20, false, false"
  })
  void equalsDl4jAndThePerImagePath(int in, int out, int kernel, int stride, int size, boolean bias, boolean batched) {
    MultiLayerNetwork dl4j = net(0, in, out, kernel, stride, size, bias);
    MultiLayerNetwork gemm = net(1, in, out, kernel, stride, size, bias);
    MultiLayerNetwork perImage = net(2, in, out, kernel, stride, size, bias);
    gemm.setParams(dl4j.params().dup());
    perImage.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.FLOAT, 5, in, size, size).subi(0.5f);
    INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0, 1).castTo(DataType.FLOAT);

    INDArray expected = dl4j.feedForward(x, true).get(1);
    INDArray actual = gemm.feedForward(x, true).get(1);
    assertEquals(batched ? 1 : 0, ((GemmConvolutionLayer) gemm.getLayer(0)).batchedPasses, "the path taken");
    assertTrue(maxRelative(expected, actual) < 1e-5, "forward: " + maxRelative(expected, actual));
    assertTrue(maxRelative(perImage.feedForward(x, true).get(1), actual) < 1e-5, "forward against the per-image path");
    assertEquals(0, ((GemmConvolutionLayer) perImage.getLayer(0)).batchedPasses, "the per-image network stays per image");

    Pair<Gradient, INDArray> e = dl4j.calculateGradients(x, y, null, null);
    Pair<Gradient, INDArray> a = gemm.calculateGradients(x, y, null, null);
    for (String key : e.getFirst().gradientForVariable().keySet()) {
      double err = maxRelative(e.getFirst().getGradientFor(key), a.getFirst().getGradientFor(key));
      assertTrue(err < 1e-4, "gradient of " + key + ": " + err);
    }
    assertTrue(maxRelative(e.getSecond(), a.getSecond()) < 1e-4, "input gradient: " + maxRelative(e.getSecond(), a.getSecond()));
  }

  @Test
  void trainsToTheSameParametersAsDl4j() {
    MultiLayerNetwork dl4j = net(0, 4, 8, 3, 1, 10, true);
    MultiLayerNetwork gemm = net(1, 4, 8, 3, 1, 10, true);
    gemm.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(5);
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 6, 4, 10, 10), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2).castTo(DataType.FLOAT));
    for (int i = 0; i < 10; i++) {
      dl4j.fit(d);
      gemm.fit(d);
    }
    assertEquals(10, ((GemmConvolutionLayer) gemm.getLayer(0)).batchedPasses, "every step over the whole minibatch");
    assertTrue(maxRelative(dl4j.params(), gemm.params()) < 1e-4, "parameters after 10 steps: " + maxRelative(dl4j.params(), gemm.params()));
  }

  @Test
  void swapOuterMovesEveryRow() {
    INDArray src = Nd4j.arange(2 * 3 * 5).castTo(DataType.FLOAT).reshape('c', 2, 3, 5);
    INDArray dst = Nd4j.create(DataType.FLOAT, 3, 2, 5);
    GemmConvolutionLayer.swapOuter(src, dst, 2, 3, 5);
    assertEquals(src.permute(1, 0, 2).dup('c'), dst);
  }
}
