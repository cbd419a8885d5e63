package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import java.io.File;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The activations inside real DL4J networks: analytic gradients match numeric ones (DL4J's
 * GradientCheckUtil, double precision) in dense, convolution and activation layers of both network
 * kinds, and a network saved with ModelSerializer comes back with the same activations and then
 * predicts and trains exactly like the original.
 */
class ActivationInNetworksTest {

  private DataType defaultType;

  @BeforeEach
  void rememberPrecision() {
    defaultType = Nd4j.dataType();
  }

  @AfterEach
  void restorePrecision() {
    Nd4j.setDefaultDataTypes(defaultType, defaultType);
  }

  static List<String> activations() {
    return List.of("mish", "swish", "leakyrelu", "leakyrelu:0.2", "relu");
  }

  private static StableActivation act(String name) {
    return ActivationRegistry.parse(name).create();
  }

  private static INDArray oneHot(int rows, int classes) {
    INDArray labels = Nd4j.zeros(DataType.DOUBLE, rows, classes);
    for (int i = 0; i < rows; i++) {
      labels.putScalar(i, i % classes, 1);
    }
    return labels;
  }

  private static MultiLayerConfiguration denseAndConv(String name, DataType type) {
    return new NeuralNetConfiguration.Builder()
        .dataType(type).seed(12345).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(act(name)).build())
        .layer(new ActivationLayer.Builder().activation(act(name)).build())
        .layer(new DenseLayer.Builder().nOut(5).activation(act(name)).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build())
        .setInputType(InputType.convolutional(5, 5, 2))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void gradientsOfAMultiLayerNetworkMatchFiniteDifferences(String name) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    MultiLayerNetwork net = new MultiLayerNetwork(denseAndConv(name, DataType.DOUBLE));
    net.init();
    Nd4j.getRandom().setSeed(7);
    INDArray input = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5).subi(0.5).muli(4);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
        .input(input).labels(oneHot(4, 3)).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
    assertTrue(ok, name + ": gradient check of conv + activation + dense layers failed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void gradientsOfAComputationGraphMatchFiniteDifferences(String name) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).seed(12345).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .graphBuilder()
        .addInputs("in")
        .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(act(name))
            .convolutionMode(ConvolutionMode.Same).build(), "in")
        .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(3)
            .convolutionMode(ConvolutionMode.Same).build(), "conv1")
        .addLayer("act2", new ActivationLayer.Builder().activation(act(name)).build(), "conv2")
        .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "act2", "conv1")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "residual")
        .addLayer("dense", new DenseLayer.Builder().nOut(4).activation(act(name)).build(), "pool")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(new ActivationSoftmax()).build(), "dense")
        .setOutputs("out")
        .setInputTypes(InputType.convolutional(5, 5, 2))
        .build();
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    Nd4j.getRandom().setSeed(7);
    INDArray input = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5).subi(0.5).muli(4);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
        .inputs(new INDArray[] {input}).labels(new INDArray[] {oneHot(4, 3)})
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
    assertTrue(ok, name + ": gradient check of a residual graph failed");
  }

  /** Every zoo model's every layer uses the named mishbench activation, identity or the softmax output. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void zooModelsUseOnlyMishbenchActivations(String name) {
    for (String model : ModelZoo.NAMES) {
      ComputationGraphConfiguration conf = ModelZoo.build(new ModelSpec(model, name, 3, Math.max(16, ModelZoo.minResolution(model)), 1, 0.25, 0.34), 1, new Adam(1e-3), 0);
      int found = 0;
      for (var vertex : conf.getVertices().entrySet()) {
        if (!(vertex.getValue() instanceof LayerVertex lv)) {
          continue;
        }
        Layer layer = lv.getLayerConf().getLayer();
        IActivation fn = layer instanceof BaseLayer b ? b.getActivationFn()
            : layer instanceof ActivationLayer a ? a.getActivationFn() : null;
        if (fn == null || fn instanceof ActivationIdentity || fn instanceof ActivationSoftmax) {
          continue;
        }
        assertEquals(act(name), fn, model + " layer " + vertex.getKey());
        found++;
      }
      assertTrue(found > 0, model + " has no activation layers");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void zooModelSurvivesModelSerializer(String name, @TempDir File dir) throws Exception {
    ComputationGraph net = new ComputationGraph(ModelZoo.build(
        new ModelSpec("resnet20", name, 3, 16, 1, 0.5, 1), 42, new Nesterovs(0.01, 0.9), 1e-4));
    net.init();
    File file = new File(dir, "model.zip");
    assertEquals(DataType.FLOAT, net.params().dataType(), "the zoo trains in float32, through the vector kernels");
    ModelSerializer.writeModel(net, file, true);
    ComputationGraph back = ModelSerializer.restoreComputationGraph(file, true);

    String json = back.getConfiguration().toJson();
    assertTrue(json.contains(act(name).getClass().getName()), "saved configuration names the activation class");
    assertEquals(net.getConfiguration(), back.getConfiguration());
    if (name.startsWith("leakyrelu")) {
      assertTrue(json.contains("\"slope\" : " + ((LeakyReLUActivation) act(name)).slope()), json);
    }

    Nd4j.getRandom().setSeed(3);
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 16, 16), oneHot(8, 3).castTo(DataType.FLOAT));
    assertEquals(net.outputSingle(batch.getFeatures()), back.outputSingle(batch.getFeatures()), name + ": predictions");
    for (int step = 0; step < 3; step++) {
      net.fit(batch);
      back.fit(batch);
    }
    // ND4J's multithreaded convolution gradients may sum in another order, so equal to float32 rounding;
    // Nesterov momentum (stateful, restored from the zip) rather than Adam, whose normalisation turns
    // rounding noise in near-zero gradients into steps of the full learning rate
    double diff = net.params().sub(back.params()).amaxNumber().doubleValue();
    assertTrue(diff < 1e-5, name + ": parameters after 3 training steps differ by " + diff);
    assertTrue(net.outputSingle(batch.getFeatures()).equalsWithEps(back.outputSingle(batch.getFeatures()), 1e-4),
        name + ": predictions after training");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void multiLayerNetworkSurvivesModelSerializer(String name, @TempDir File dir) throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(denseAndConv(name, DataType.FLOAT));
    net.init();
    File file = new File(dir, "model.zip");
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file, true);
    assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
    INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2, 5, 5);
    assertEquals(net.output(x), back.output(x), name + ": predictions");
  }
}
