package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import java.util.Map;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link Blocks#resize}, the nearest-neighbour resize SpineNet needs at 224 pixels (4 to 7, 2 to 7,
 * 3 to 2), against TensorFlow's rule (output pixel i reads input pixel floor(i * from / to)), and its
 * gradients against finite differences in double precision.
 */
class NearestResizeTest {

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

  /** in (2 channels) -> 1x1 convolution "a" -> resize -> 1x1 convolution -> average pool -> softmax. */
  private static ComputationGraph net(int from, int to) {
    GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp())
        .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(from, from, 2));
    g.addLayer("a", Blocks.conv(3, 1, 1), "in");
    String r = new Blocks(g, ActivationRegistry.parse("relu")).resize("r", "a", from, to);
    g.addLayer("b", Blocks.conv(3, 1, 1), r)
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "b")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  @ParameterizedTest(name = "{0} to {1}")
  @CsvSource({"4, 7", "2, 7", "3, 2", "7, 14", "2, 4", "14, 28", "5, 5"})
  void picksPixelFloorOfIFromOverTo(int from, int to) {
    ComputationGraph net = net(from, to);
    Nd4j.getRandom().setSeed(1);
    Map<String, INDArray> a = net.feedForward(Nd4j.rand(DataType.DOUBLE, 2, 2, from, from), false);
    String last = from == to ? "a" : to % from == 0 ? "r_up" : "r_pick";
    INDArray out = a.get(last);
    INDArray in = a.get("a");
    assertEquals(to, out.size(2));
    assertEquals(to, out.size(3));
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < to; i++) {
          for (int j = 0; j < to; j++) {
            assertEquals(in.getDouble(n, c, i * from / to, j * from / to), out.getDouble(n, c, i, j), 0,
                from + " to " + to + ": pixel " + i + "," + j);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} to {1}")
  @CsvSource({"4, 7", "3, 2"})
  void gradientsMatchFiniteDifferences(int from, int to) {
    ComputationGraph net = net(from, to);
    Nd4j.getRandom().setSeed(9);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 2, from, from).subi(0.5);
    INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)), "gradient check " + from + " to " + to);
  }
}
