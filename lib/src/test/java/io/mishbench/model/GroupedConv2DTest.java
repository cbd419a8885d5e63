package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The native grouped convolution ({@link GroupedConv2D}) against the channel-slice graph built from
 * DL4J's own layers (itself checked against a direct convolution in {@link GroupedConvolutionTest}):
 * same output and same gradients for the same weights, gradients against finite differences, saved
 * and restored as configuration JSON and as a model file, and it trains.
 */
class GroupedConv2DTest {

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

  /**
   * input -> 1x1 convolution (so that parameters depend on the grouped convolution's input gradient)
   * -> grouped convolution (native or channel slices) -> average pool -> softmax of 3.
   */
  private static ComputationGraph net(boolean nativeLayer, int nIn, int nOut, int kernel, int stride, int groups, int size) {
    GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(3).updater(new NoOp())
        .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(size, size, nIn));
    Blocks blocks = new Blocks(g, ActivationRegistry.parse("relu"));
    g.addLayer("pre", Blocks.conv(nIn, 1, 1), "in");
    if (nativeLayer) {
      g.addLayer("gconv", new GroupedConv2D(nIn, nOut, kernel, stride, groups), "pre");
    } else {
      blocks.channelSlicedConv("gconv", "pre", nIn, nOut, kernel, stride, groups);
    }
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "gconv")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  /** Copies the slices' kernels [Og, Cg, k, k] into the native layer's W [G, Og, Cg k k], group by group. */
  private static void copyWeights(ComputationGraph slices, ComputationGraph nat, int groups) {
    // built apart and set whole: slices of a parameter view (a view of a view) are wrong in ND4J M2.1
    INDArray w = Nd4j.create(DataType.DOUBLE, nat.getParam("gconv_W").shape());
    for (int g = 0; g < groups; g++) {
      w.slice(g).assign(slices.getParam("gconv_g" + g + "_W").reshape(w.size(1), w.size(2)));
    }
    nat.setParam("gconv_W", w);
    nat.getLayer("out").setParams(slices.getLayer("out").params().dup());
    nat.getLayer("pre").setParams(slices.getLayer("pre").params().dup());
  }

  @ParameterizedTest(name = "{0}->{1} channels, kernel {2}, stride {3}, {4} groups, {5}px")
  @CsvSource({
      "4, 6, 3, 1, 1, 7", "8, 12, 3, 1, 2, 7", "8, 12, 3, 2, 4, 8", "8, 8, 1, 1, 4, 5", "8, 4, 1, 2, 2, 6",
      "64, 64, 3, 1, 32, 6", "64, 96, 3, 2, 32, 7", "32, 32, 1, 2, 32, 5"})
  void equalsTheChannelSliceGraphForwardAndBackward(int nIn, int nOut, int k, int stride, int groups, int size) {
    ComputationGraph slices = net(false, nIn, nOut, k, stride, groups, size);
    ComputationGraph nat = net(true, nIn, nOut, k, stride, groups, size);
    copyWeights(slices, nat, groups);
    Nd4j.getRandom().setSeed(5);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 3, nIn, size, size).subi(0.5);
    INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}});

    INDArray want = slices.feedForward(in, false).get("gconv");
    INDArray got = nat.feedForward(in, false).get("gconv");
    assertTrue(want.equalsWithEps(got, 1e-12), "forward, max difference " + want.sub(got).amaxNumber());

    Gradient gs = gradient(slices, in, labels);
    Gradient gn = gradient(nat, in, labels);
    for (int g = 0; g < groups; g++) {
      INDArray want2 = gs.getGradientFor("gconv_g" + g + "_W");
      INDArray got2 = gn.getGradientFor("gconv_W").dup().slice(g);
      assertTrue(want2.reshape(got2.shape()).equalsWithEps(got2, 1e-12), "weight gradient of group " + g);
    }
    // the 1x1 convolution before the grouped one sees the grouped convolution's input gradient
    assertTrue(gs.getGradientFor("pre_W").equalsWithEps(gn.getGradientFor("pre_W"), 1e-12), "input gradient");
  }

  private static Gradient gradient(ComputationGraph net, INDArray in, INDArray labels) {
    net.setInputs(in);
    net.setLabels(labels);
    net.computeGradientAndScore();
    return net.gradient();
  }

  @ParameterizedTest(name = "kernel {0}, stride {1}, {2} groups")
  @CsvSource({"3, 2, 2", "3, 1, 4", "1, 2, 2"})
  void gradientsMatchFiniteDifferences(int k, int stride, int groups) {
    ComputationGraph net = net(true, 4, 8, k, stride, groups, 5);
    Nd4j.getRandom().setSeed(9);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 4, 5, 5).subi(0.5);
    INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 0, 1}});
    assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {in}).labels(new INDArray[] {labels})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)), "gradient check");
  }

  @Test
  void configurationJsonAndModelFileRoundTrip(@TempDir Path dir) throws Exception {
    ComputationGraph net = net(true, 8, 12, 3, 2, 4, 7);
    ComputationGraphConfiguration conf = net.getConfiguration();
    String json = conf.toJson();
    assertTrue(json.contains(GroupedConv2D.class.getName()), json);
    ComputationGraphConfiguration read = ComputationGraphConfiguration.fromJson(json);
    assertEquals(conf, read);
    assertEquals(json, read.toJson());
    GroupedConv2D layer = (GroupedConv2D) ((LayerVertex) read.getVertices().get("gconv")).getLayerConf().getLayer();
    assertEquals("GroupedConv2D(gconv: 8 -> 12, kernel 3, stride 2, groups 4)", layer.toString());
    // memory report: 8 * 12 / 4 * 9 weights; per example 8 * 9 * 4 * 4 columns and a copy of the weights
    org.deeplearning4j.nn.conf.memory.LayerMemoryReport memory = layer.getMemoryReport(InputType.convolutional(7, 7, 8));
    assertEquals(216, memory.getParameterSize());
    assertEquals(8 * 9 * 16 + 216, memory.getWorkingMemoryVariableInference());

    Nd4j.getRandom().setSeed(4);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 8, 7, 7);
    File file = dir.resolve("gconv.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
    assertEquals(net.getConfiguration(), restored.getConfiguration());
    assertEquals(net.params(), restored.params());
    assertEquals(net.outputSingle(in), restored.outputSingle(in));
  }

  @Test
  void aSmallNetworkWithTheLayerLearns() {
    // two grouped convolutions in a row (the second reads the first's permuted output), batch norm, Mish
    GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(1).updater(new Adam(0.01))
        .weightInit(WeightInit.RELU).graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(8, 8, 8));
    Blocks blocks = new Blocks(g, ActivationRegistry.parse("mish"));
    String x = blocks.groupedConvBnAct("a", "in", 8, 16, 3, 1, 4);
    x = blocks.groupedConvBnAct("b", x, 16, 16, 3, 2, 8);
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(4).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    Nd4j.getRandom().setSeed(2);
    int n = 32;
    INDArray features = Nd4j.rand(DataType.FLOAT, n, 8, 8, 8);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 4);
    for (int i = 0; i < n; i++) {
      // the class is the input channel pair (0-1, 2-3, 4-5, 6-7) that was brightened
      int c = i % 4;
      features.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * c, 2 * c + 2)).addi(1.0);
      labels.putScalar(i, c, 1.0);
    }
    DataSet data = new DataSet(features, labels);
    double first = net.score(data);
    for (int i = 0; i < 30; i++) {
      net.fit(data);
    }
    double last = net.score(data);
    assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
    assertEquals(16L * 8 / 4 * 9 + 16L * 16 / 8 * 9, net.getLayer("a").numParams() + net.getLayer("b").numParams());
  }

  @Test
  void channelsMustSplitIntoGroups() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GroupedConv2D(10, 12, 3, 1, 4));
    assertTrue(e.getMessage().contains("4 groups"), e.getMessage());
  }
}
