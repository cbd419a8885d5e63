package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Both grouped-convolution implementations equal a direct per-group convolution written out in
 * loops; the one the zoo trains with (channel slices) also has gradients that match finite
 * differences.
 */
class GroupedConvolutionTest {

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

  /** input -> grouped convolution (no activation) -> average pool -> softmax, in one implementation. */
  private static ComputationGraph net(boolean sameDiff, int nIn, int nOut, int kernel, int stride, int groups, int size) {
    GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp())
        .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(size, size, nIn));
    if (sameDiff) {
      g.addLayer("gconv", new GroupedConvolution(nIn, nOut, kernel, stride, groups), "in");
    } else {
      new Blocks(g, ActivationRegistry.parse("relu")).channelSlicedConv("gconv", "in", nIn, nOut, kernel, stride, groups);
    }
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "gconv")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  /** The weights of either implementation as [groups][og][cg][k][k]. */
  private static double[][][][][] weights(ComputationGraph net, boolean sameDiff, int nIn, int nOut, int k, int groups) {
    int cg = nIn / groups;
    int og = nOut / groups;
    double[][][][][] w = new double[groups][og][cg][k][k];
    for (int g = 0; g < groups; g++) {
      INDArray p = sameDiff
          ? net.getParam("gconv_W").get(org.nd4j.linalg.indexing.NDArrayIndex.point(g)).reshape(og, cg, k, k)
          : net.getParam("gconv_g" + g + "_W");
      for (int o = 0; o < og; o++) {
        for (int c = 0; c < cg; c++) {
          for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
              w[g][o][c][y][x] = p.getDouble(o, c, y, x);
            }
          }
        }
      }
    }
    return w;
  }

  /** Direct convolution, zero padding kernel / 2 on every side (Darknet, PyTorch). */
  private static double[][][][] reference(INDArray in, double[][][][][] w, int stride) {
    int b = (int) in.size(0);
    int h = (int) in.size(2);
    int groups = w.length;
    int og = w[0].length;
    int cg = w[0][0].length;
    int k = w[0][0][0].length;
    int pad = k / 2;
    int oh = (h + 2 * pad - k) / stride + 1;
    double[][][][] out = new double[b][groups * og][oh][oh];
    for (int n = 0; n < b; n++) {
      for (int g = 0; g < groups; g++) {
        for (int o = 0; o < og; o++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < oh; j++) {
              double sum = 0;
              for (int c = 0; c < cg; c++) {
                for (int y = 0; y < k; y++) {
                  for (int x = 0; x < k; x++) {
                    int r = i * stride + y - pad;
                    int s = j * stride + x - pad;
                    if (r >= 0 && r < h && s >= 0 && s < h) {
                      sum += w[g][o][c][y][x] * in.getDouble(n, g * cg + c, r, s);
                    }
                  }
                }
              }
              out[n][g * og + o][i][j] = sum;
            }
          }
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "SameDiff {0}: {1}->{2} channels, kernel {3}, stride {4}, {5} groups, {6}px")
  @CsvSource({
      "true, 8, 12, 3, 1, 4, 7", "true, 8, 12, 3, 2, 4, 8", "true, 6, 6, 1, 1, 3, 5", "true, 8, 8, 3, 2, 8, 9",
      "false, 8, 12, 3, 1, 4, 7", "false, 8, 12, 3, 2, 4, 8", "false, 6, 6, 1, 1, 3, 5", "false, 8, 8, 3, 2, 8, 9"})
  void equalsADirectPerGroupConvolution(boolean sameDiff, int nIn, int nOut, int k, int stride, int groups, int size) {
    ComputationGraph net = net(sameDiff, nIn, nOut, k, stride, groups, size);
    Nd4j.getRandom().setSeed(5);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, nIn, size, size).subi(0.5);
    INDArray got = net.feedForward(in, false).get("gconv");
    double[][][][] want = reference(in, weights(net, sameDiff, nIn, nOut, k, groups), stride);
    assertEquals(want.length * want[0].length * want[0][0].length * want[0][0][0].length, got.length());
    for (int n = 0; n < want.length; n++) {
      for (int c = 0; c < want[0].length; c++) {
        for (int i = 0; i < want[0][0].length; i++) {
          for (int j = 0; j < want[0][0][0].length; j++) {
            assertEquals(want[n][c][i][j], got.getDouble(n, c, i, j), 1e-12, "at " + n + "," + c + "," + i + "," + j);
          }
        }
      }
    }
  }

  /**
   * The channel-split implementation, which the zoo uses. ({@link GroupedConvolution}'s forward pass
   * is exact, but its weight gradient disagrees with finite differences by a factor that depends on
   * the group count and batch size; it is kept for the speed comparison only.)
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    ComputationGraph net = net(false, 4, 6, 3, 2, 2, 6);
    Nd4j.getRandom().setSeed(9);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 4, 6, 6).subi(0.5);
    INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 0, 1}});
    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)), "gradient check");
  }

  @Test
  void channelsMustSplitIntoGroups() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GroupedConvolution(10, 12, 3, 1, 4));
    assertTrue(e.getMessage().contains("4 groups"), e.getMessage());
  }
}
