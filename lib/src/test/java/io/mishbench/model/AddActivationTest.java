package io.mishbench.model;

import static io.mishbench.model.Tolerance.maxRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link AddActivation} computes what DL4J's Add vertex followed by an ActivationLayer computes: the
 * same output and gradients for two and three inputs (one of them the graph input of another branch,
 * so the gradient reaching it is added to another one in place), twenty training steps to the same
 * parameters, a passing gradient check in float64; it survives JSON and model files and refuses
 * inputs of different shapes.
 */
class AddActivationTest {

  private static ComputationGraphConfiguration conf(String activation, boolean fused, int inputs, DataType type, int size) {
    var act = ActivationRegistry.parse(activation).create();
    var g = new NeuralNetConfiguration.Builder().seed(3).dataType(type)
        .updater(type == DataType.DOUBLE ? new NoOp() : new Nesterovs(0.05, 0.9)).graphBuilder()
        .addInputs("in")
        .addLayer("c0", conv(3), "in");
    String[] parts = new String[inputs];
    parts[0] = "c0";
    for (int i = 1; i < inputs; i++) {
      parts[i] = "c" + i;
      g.addLayer(parts[i], conv(3), i == 1 ? "c0" : "in"); // c0 also feeds c1: two gradients reach it
    }
    if (fused) {
      g.addVertex("out_act", new AddActivation(act), parts);
    } else {
      g.addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), parts);
      g.addLayer("out_act", new ActivationLayer.Builder().activation(act).build(), "sum");
    }
    return g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "out_act")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(size, size, 3)).build();
  }

  private static ConvolutionLayer conv(int nOut) {
    return new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(nOut).convolutionMode(ConvolutionMode.Truncate)
        .activation(Activation.IDENTITY).build();
  }

  private static ComputationGraph net(String activation, boolean fused, int inputs, DataType type, int size) {
    ComputationGraph net = new ComputationGraph(conf(activation, fused, inputs, type, size));
    net.init();
    return net;
  }

  @ParameterizedTest(name = "{0} inputs")
  @ValueSource(ints = {2, 3})
  void outputAndGradientsEqualAddThenActivationLayer(int inputs) {
    for (String activation : new String[] {"mish", "swish", "leakyrelu"}) {
      ComputationGraph dl4j = net(activation, false, inputs, DataType.FLOAT, 7);
      ComputationGraph fused = net(activation, true, inputs, DataType.FLOAT, 7);
      fused.setParams(dl4j.params().dup());
      Nd4j.getRandom().setSeed(5);
      INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 7, 7).muli(4).subi(2);
      INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0).castTo(DataType.FLOAT);
      Map<String, INDArray> e = dl4j.feedForward(x, true);
      Map<String, INDArray> a = fused.feedForward(x, true);
      assertTrue(maxRelative(e.get("out_act"), a.get("out_act")) < 1e-6, activation + " forward");
      dl4j.setInputs(x);
      dl4j.setLabels(y);
      fused.setInputs(x);
      fused.setLabels(y);
      dl4j.computeGradientAndScore();
      fused.computeGradientAndScore();
      for (var entry : dl4j.gradient().gradientForVariable().entrySet()) {
        double err = maxRelative(entry.getValue(), fused.gradient().getGradientFor(entry.getKey()));
        assertTrue(err < 1e-5, activation + ": gradient of " + entry.getKey() + ": " + err);
      }
    }
  }

  @Test
  void trainsToTheSameParameters() {
    ComputationGraph dl4j = net("mish", false, 2, DataType.FLOAT, 8);
    ComputationGraph fused = net("mish", true, 2, DataType.FLOAT, 8);
    fused.setParams(dl4j.params().dup());
    Nd4j.getRandom().setSeed(9);
    MultiDataSet d = new MultiDataSet(Nd4j.rand(DataType.FLOAT, 6, 3, 8, 8).muli(3),
        Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2).castTo(DataType.FLOAT));
    for (int i = 0; i < 20; i++) {
      dl4j.fit(d);
      fused.fit(d);
    }
    double err = maxRelative(dl4j.params(), fused.params());
    assertTrue(err < 1e-4, "parameters after 20 steps: " + err);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mish", "swish", "leakyrelu"})
  void passesAGradientCheck(String activation) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      ComputationGraph net = net(activation, true, 3, DataType.DOUBLE, 4);
      Nd4j.getRandom().setSeed(7);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 3, 4, 4).subi(0.5).muli(4);
      INDArray y = Nd4j.eye(3).castTo(DataType.DOUBLE);
      boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
          .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
      assertTrue(ok, "gradient check of add + " + activation);
    } finally {
      Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
  }

  @Test
  void survivesJsonAndModelFiles() throws IOException {
    ComputationGraphConfiguration c = conf("swish", true, 2, DataType.FLOAT, 5);
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(c.toJson());
    assertEquals(c, back);
    ComputationGraph net = new ComputationGraph(c);
    net.init();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    ComputationGraph restored = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    assertInstanceOf(AddActivationVertex.class, restored.getVertex("out_act"));
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 5, 5);
    assertEquals(net.outputSingle(x), restored.outputSingle(x));
  }

  @Test
  void refusesInputsOfDifferentShapes() {
    var act = ActivationRegistry.parse("mish").create();
    ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
        .addInputs("a", "b")
        .addVertex("sum", new AddActivation(act), "a", "b")
        .setOutputs("sum").build());
    net.init();
    var e = assertThrows(IllegalStateException.class,
        () -> net.output(Nd4j.rand(DataType.FLOAT, 2, 3), Nd4j.rand(DataType.FLOAT, 2, 4)));
    assertTrue(e.getMessage().contains("one shape"), e.getMessage());
  }
}
