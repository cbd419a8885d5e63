package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.activation.ActivationRegistry;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The residual families against their published definitions: ResNet-20 (He et al., CIFAR-10),
 * ResNet-50 (torchvision), ResNeXt-50, CSPResNet-50 and CSPResNeXt-50 (Darknet cfgs, counted as
 * the CrossStagePartialNetworks README does: convolution and classifier weights, BFLOPs = 2 x MACs
 * at 256x256); every model builds at 224 and 256, and scaled-down versions train with each
 * activation.
 */
class ResNetFamiliesTest {

  private static final String[] ACTIVATIONS = {"mish", "swish", "leakyrelu"};

  private static ModelCounter.Counts count(String model, int classes, int resolution, double width) {
    ModelSpec spec = new ModelSpec(model, "leakyrelu", classes, resolution, 3, width, 1);
    ComputationGraphConfiguration conf = ModelZoo.build(spec, 1, new Sgd(0.1), 0);
    return ModelCounter.count(conf, InputType.convolutional(resolution, resolution, 3));
  }

  private static double relative(double value, double published) {
    return (value - published) / published;
  }

  /** Source: CrossStagePartialNetworks README (ImageNet, big models), 1000 classes. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "resnext50,    22.19e6, 10.11",
    "cspresnet50,  21.57e6, 8.97",
    "cspresnext50, 20.50e6, 7.93",
  })
  void darknetModelsMatchTheCspNetReadme(String model, double weights, double bflops) {
    ModelCounter.Counts c = count(model, 1000, 256, 1);
    System.out.printf("%s: %,d weights (published %.2fM, %+.3f%%), %.4f BFLOPs at 256 (published %.2f, %+.3f%%),"
            + " %,d DL4J params%n", model, c.weights(), weights / 1e6, 100 * relative(c.weights(), weights),
        2 * c.macs() / 1e9, bflops, 100 * relative(2.0 * c.macs(), bflops * 1e9), c.params());
    assertEquals(weights, c.weights(), 1e-3 * weights, model + " weights within 0.1% of the published count");
    assertEquals(bflops * 1e9 / 2, c.macs(), 1e-2 * bflops * 1e9 / 2, model + " MACs within 1% of half the BFLOPs");
  }

  /** torchvision's resnet50: 25,557,032 parameters, of which 53,120 batch-norm and 1,000 bias values. */
  @Test
  void resnet50HasTorchvisionsWeights() {
    ModelCounter.Counts c = count("resnet50", 1000, 224, 1);
    ModelCounter.Counts at256 = count("resnet50", 1000, 256, 1);
    System.out.printf("resnet50: %,d weights (torchvision 25,502,912), %.4f G MACs at 224 (torchvision 4.09),"
        + " %.4f BFLOPs at 256, %,d DL4J params%n", c.weights(), c.macs() / 1e9, 2 * at256.macs() / 1e9, c.params());
    assertEquals(25_502_912L, c.weights(), "resnet50 weights, exactly torchvision's conv + fc weights");
    // 53,120 batch-norm channels: PyTorch counts 2 values each, DL4J 4 (with running mean and variance)
    assertEquals(25_557_032L - 2 * 26_560 - 1_000 + 4 * 26_560 + 1_000, c.params(), "DL4J parameters");
    assertEquals(4.09e9, c.macs(), 0.01 * 4.09e9, "MACs at 224 within 1% of torchvision's 4.09 GFLOPS");
  }

  /** He et al. 2016, table 6: ResNet-20 has 0.27M parameters (10 classes, 32x32 input). */
  @Test
  void resnet20HasThePapersParameters() {
    ModelCounter.Counts c = count("resnet20", 10, 32, 1);
    System.out.printf("resnet20: %,d weights, %,d DL4J params (published 0.27M: %+.2f%%, %+.2f%%), %.2f M MACs at 32%n",
        c.weights(), c.params(), 100 * relative(c.weights(), 0.27e6), 100 * relative(c.params(), 0.27e6), c.macs() / 1e6);
    assertEquals(268_336L, c.weights(), "3x3 convolutions 16-32-64 and the 64 x 10 classifier, option A shortcuts");
    assertEquals(0.27e6, c.weights(), 0.01 * 0.27e6, "weights within 1% of 0.27M");
    assertEquals(0.27e6, c.params(), 0.01 * 0.27e6, "DL4J params within 1% of 0.27M");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"resnet20", "resnet50", "resnext50", "cspresnet50", "cspresnext50"})
  void buildsAndCountsAt224And256(String model) {
    for (int resolution : new int[] {224, 256}) {
      ModelCounter.Counts c = count(model, 1000, resolution, 1);
      assertTrue(c.weights() > 0 && c.macs() > c.weights(), model + " at " + resolution + ": " + c);
    }
  }

  /** No layer loses all its channels at the smallest widths the zoo allows, and group counts stay whole. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"resnet20", "resnet50", "resnext50", "cspresnet50", "cspresnext50"})
  void smallWidthsKeepEveryLayerNonEmpty(String model) {
    for (double width : new double[] {0.05, 0.07, 0.1, 0.3}) {
      ModelSpec spec = new ModelSpec(model, "mish", 10, 64, 3, width, 0.34);
      ComputationGraphConfiguration conf = ModelZoo.build(spec, 1, new Sgd(0.1), 0);
      conf.getLayerActivationTypes(InputType.convolutional(64, 64, 3));
      conf.getVertices().forEach((name, vertex) -> {
        if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FeedForwardLayer f) {
          assertTrue(f.getNIn() > 0 && f.getNOut() > 0,
              model + " width " + width + ": layer " + name + " has " + f.getNIn() + " -> " + f.getNOut() + " channels");
        }
      });
    }
  }

  /** A scaled-down network initialises, predicts, and takes one finite training step with each activation. */
  @ParameterizedTest(name = "{0} width {1} at {2} px")
  @CsvSource({
    "resnet20,     0.25,  16",
    "resnet50,     0.125, 32",
    "resnext50,    0.125, 32",
    "cspresnet50,  0.125, 32",
    "cspresnext50, 0.125, 32",
  })
  void scaledDownModelsTrain(String model, double width, int resolution) {
    for (String activation : ACTIVATIONS) {
      ZooChecks.trainsOneStep(model, activation, width, resolution);
    }
  }

  /**
   * The parameter-free shortcut is Darknet's {@code shortcut_cpu} and He et al.'s option A: the block
   * input, taken at every second pixel, is added to the first channels of the branch and zeros to the
   * rest (ResNet-20's first block of stage 2: 16 channels of 16x16 into 32 channels of 8x8).
   */
  @Test
  void shortcutAddsTheSubsampledInputToTheFirstChannelsOnly() {
    ComputationGraph net = new ComputationGraph(ModelZoo.build(new ModelSpec("resnet20", "mish", 10, 16, 3, 1, 1),
        3, new Sgd(0.1), 0));
    net.init();
    Nd4j.getRandom().setSeed(5);
    Map<String, INDArray> a = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16), false);
    INDArray from = a.get("s1b3_out");
    INDArray out = a.get("s2b1_out");
    assertEquals(16, from.size(1));
    assertEquals(32, out.size(1));
    assertEquals(8, out.size(2));
    INDArray branch = Nd4j.concat(1, a.get("s2b1_c_bn"), a.get("s2b1_cpad_bn"));
    INDArray padded = Nd4j.zeros(DataType.FLOAT, 2, 32, 8, 8);
    padded.put(new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.interval(0, 16), NDArrayIndex.all(), NDArrayIndex.all()},
        from.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 16), NDArrayIndex.interval(0, 2, 16)));
    // the activation layer works in place, so the sum vertex's array already holds the block output
    INDArray expected = ActivationRegistry.parse("mish").create().getActivation(branch.add(padded), false);
    assertTrue(expected.equalsWithEps(a.get("s2b1_out"), 1e-5), "out = mish(branch + zero-padded every-second-pixel input)");
  }
}
