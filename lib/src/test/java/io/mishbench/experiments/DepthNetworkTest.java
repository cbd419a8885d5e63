package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The depth-sweep network's shape, its inference twin, and DL4J's input gradient against finite differences. */
class DepthNetworkTest {

  private static final RobustnessConfig.Network SMALL = new RobustnessConfig.Network(List.of(2, 3), 3, 6, 0.25);

  @ParameterizedTest
  @CsvSource({"1, 0.25", "3, 0.25", "4, 0", "12, 0.25"})
  void layerAndParameterCountsFollowTheDepth(int depth, double dropout) {
    RobustnessConfig.Network shape = new RobustnessConfig.Network(List.of(4, 8), 3, 20, dropout);
    MultiLayerNetwork net = DepthNetwork.create(shape, depth, "relu", 0.01, 1, DataType.FLOAT);
    assertEquals(DepthNetwork.layerCount(shape, depth), net.getLayers().length);
    assertEquals(4 + depth * (dropout > 0 ? 4 : 3) + 1, net.getLayers().length);
    var layers = net.getLayerWiseConfigurations().getConfs().stream().map(c -> c.getLayer()).toList();
    assertEquals(depth, layers.stream().filter(l -> l instanceof DenseLayer).count());
    assertEquals(depth, layers.stream().filter(l -> l instanceof BatchNormalization).count());
    assertEquals(dropout > 0 ? depth : 0, layers.stream().filter(l -> l instanceof DropoutLayer).count());
    // 28 -> conv 3 -> 26 -> pool -> 13 -> conv 3 -> 11 -> pool -> 5: flat 5 * 5 * 8 = 200
    long expected = (9 * 4 + 4) + (9 * 4 * 8 + 8) + (200 * 20 + 20) + (depth - 1) * (20 * 20 + 20) + depth * 4 * 20
        + (20 * 10 + 10);
    assertEquals(expected, DepthNetwork.parameterCount(shape, depth));
    assertEquals(expected, net.numParams());
  }

  /** After training (BatchNorm's running statistics away from 0 and 1) the twin computes the network's inference. */
  @ParameterizedTest
  @ValueSource(strings = {"mish", "swish", "leakyrelu", "relu"})
  void inferenceTwinMatchesTheTrainedNetwork(String activation) {
    MultiLayerNetwork net = DepthNetwork.create(SMALL, 2, activation, 0.1, 3, DataType.DOUBLE);
    DataSet data = randomData(16, 5, DataType.DOUBLE);
    for (int i = 0; i < 5; i++) {
      net.fit(data);
    }
    MultiLayerNetwork twin = DepthNetwork.inferenceTwin(net, SMALL, 2, activation);
    INDArray x = randomData(16, 6, DataType.DOUBLE).getFeatures();
    INDArray a = net.output(x, false);
    INDArray b = twin.output(x, false);
    assertTrue(a.equalsWithEps(b, 1e-9), "twin output " + b + " vs " + a);
    assertTrue(twin.output(x, true).equalsWithEps(a, 1e-9), "the twin has no training-only behaviour");
  }

  /**
   * {@link Attacks#inputGradient} (from DL4J's calculateGradients, whose input epsilon is the gradient of
   * the minibatch's summed loss) is d(mean loss)/d(input) over all rows, minibatched: it agrees with
   * central finite differences of the inference loss, in float64.
   */
  @ParameterizedTest
  @ValueSource(strings = {"mish", "relu"})
  void inputGradientAgreesWithFiniteDifferences(String activation) {
    MultiLayerNetwork net = DepthNetwork.create(SMALL, 2, activation, 0.1, 4, DataType.DOUBLE);
    DataSet train = randomData(16, 7, DataType.DOUBLE);
    for (int i = 0; i < 5; i++) {
      net.fit(train);
    }
    MultiLayerNetwork twin = DepthNetwork.inferenceTwin(net, SMALL, 2, activation);
    DataSet d = randomData(3, 8, DataType.DOUBLE);
    INDArray grad = Attacks.inputGradient(twin, d.getFeatures(), d.getLabels(), 2);
    Random pick = new Random(9);
    double h = 1e-6;
    int checked = 0;
    for (int k = 0; k < 16; k++) {
      int row = pick.nextInt(3);
      int col = pick.nextInt(784);
      INDArray plus = d.getFeatures().dup();
      plus.putScalar(row, col, plus.getDouble(row, col) + h);
      INDArray minus = d.getFeatures().dup();
      minus.putScalar(row, col, minus.getDouble(row, col) - h);
      double fd = (Accuracy.of(net, plus, d.getLabels(), 3).loss() - Accuracy.of(net, minus, d.getLabels(), 3).loss())
          / (2 * h);
      double g = grad.getDouble(row, col);
      assertEquals(fd, g, 1e-6 + 1e-4 * Math.abs(fd), "d loss / d x[" + row + "," + col + "]");
      checked += Math.abs(fd) > 1e-6 ? 1 : 0;
    }
    assertTrue(checked > 5, "most checked pixels have a non-zero gradient: " + checked);
  }

  static DataSet randomData(int n, long seed, DataType dtype) {
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.rand(dtype, n, 784);
    INDArray y = Nd4j.zeros(dtype, n, 10);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      y.putScalar(i, r.nextInt(10), 1.0);
    }
    return new DataSet(x, y);
  }
}
