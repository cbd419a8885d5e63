package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * DarkNet-53 and CSPDarkNet-53 against the CSPNet README (github.com/WongKinYiu/CrossStagePartialNetworks):
 * weights only (no batch norm, no bias) and BFLOPs at 256x256 with 1000 classes, and against the exact
 * counts of the Darknet cfg files they follow; scaled-down copies train one step with every activation.
 */
class DarknetFamilyTest {

  /**
   * One published row.
   *
   * @param weights published weights (CSPNet README)
   * @param bflops published BFLOPs at 256x256, twice the multiply-accumulates
   * @param cfgWeights weights of the cfg file, counted layer by layer
   * @param cfgMacs256 multiply-accumulates of the cfg file at 256x256
   * @param cfgMacs224 multiply-accumulates of the cfg file at 224x224 (pad = size/2, as DL4J's Same mode)
   */
  record Published(String model, double weights, double bflops, long cfgWeights, long cfgMacs256, long cfgMacs224) {}

  static Stream<Published> published() {
    return Stream.of(
        // AlexeyAB/darknet cfg/darknet53.cfg
        new Published("darknet53", 41.57e6, 18.57, 41_573_216L, 9_285_115_904L, 7_109_156_864L),
        // WongKinYiu/CrossStagePartialNetworks cfg/csdarknet53.cfg
        new Published("cspdarknet53", 27.61e6, 13.07, 27_605_856L, 6_533_652_480L, 5_002_567_680L));
  }

  private static ModelCounter.Counts count(String model, int resolution) {
    ModelSpec spec = new ModelSpec(model, "leakyrelu", 1000, resolution, 3, 1, 1);
    return ModelCounter.count(ModelZoo.build(spec, 1, new Adam(1e-3), 0), InputType.convolutional(resolution, resolution, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("published")
  void fullSizeModelMatchesThePublishedWeightsAndFlops(Published p) {
    ModelCounter.Counts c = count(p.model(), 256);
    double weightError = c.weights() / p.weights() - 1;
    double macError = c.macs() / (p.bflops() * 1e9 / 2) - 1;
    System.out.printf("%s: weights %d (published %.2fM, %+.3f%%), MACs@256 %d (published %.3fG, %+.3f%%), DL4J params %d%n",
        p.model(), c.weights(), p.weights() / 1e6, 100 * weightError, c.macs(), p.bflops() / 2, 100 * macError, c.params());
    assertTrue(Math.abs(weightError) <= 0.001, p.model() + ": weights " + c.weights() + " not within 0.1% of " + p.weights());
    assertTrue(Math.abs(macError) <= 0.01, p.model() + ": MACs " + c.macs() + " not within 1% of " + p.bflops() / 2 + "G");
    assertEquals(p.cfgWeights(), c.weights(), p.model() + ": weights of the cfg, exactly");
    assertEquals(p.cfgMacs256(), c.macs(), p.model() + ": MACs of the cfg at 256, exactly");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("published")
  void fullSizeModelBuildsAndCountsAt224And256(Published p) {
    ModelCounter.Counts at224 = count(p.model(), 224);
    ModelCounter.Counts at256 = count(p.model(), 256);
    System.out.printf("%s: MACs@224 %d%n", p.model(), at224.macs());
    assertEquals(at256.weights(), at224.weights(), "weights do not depend on the resolution");
    assertEquals(at256.params(), at224.params(), "parameters do not depend on the resolution");
    assertEquals(p.cfgMacs224(), at224.macs(), p.model() + ": MACs of the cfg at 224, exactly");
  }

  /** timm's convention adds batch-norm scale and shift and the classifier bias: 27.64M for cspdarknet53. */
  @Test
  void cspdarknet53MatchesTimmsCount() {
    ModelCounter.Counts c = count("cspdarknet53", 256);
    // DL4J params = weights + 4 values per batch-norm channel + 1000 classifier biases
    long bnChannels = (c.params() - c.weights() - 1000) / 4;
    long timm = c.weights() + 2 * bnChannels + 1000;
    System.out.printf("cspdarknet53: timm convention %d (timm 27.64M)%n", timm);
    assertEquals(27.64e6, timm, 0.005e6, "timm's cspnet.py cspdarknet53 reports 27.64M");
  }

  /** The narrowest width ModelSpec allows here still gives every layer channels. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"darknet53", "cspdarknet53"})
  void narrowModelHasNoEmptyLayer(String model) {
    ComputationGraphConfiguration conf = ModelZoo.build(new ModelSpec(model, "mish", 10, 32, 3, 0.05, 0.1), 1, new Adam(1e-3), 0);
    for (var e : conf.getVertices().entrySet()) {
      if (e.getValue() instanceof LayerVertex v && v.getLayerConf().getLayer() instanceof FeedForwardLayer f) {
        assertTrue(f.getNIn() > 0 && f.getNOut() > 0, model + " layer " + e.getKey() + ": nIn " + f.getNIn() + ", nOut " + f.getNOut());
      }
    }
    assertTrue(ModelCounter.count(conf, InputType.convolutional(32, 32, 3)).weights() > 0);
  }

  static Stream<Arguments> scaledDown() {
    return Stream.of("darknet53", "cspdarknet53")
        .flatMap(m -> Stream.of("mish", "swish", "leakyrelu").map(a -> Arguments.of(m, a)));
  }

  /** Width 0.125, depth 0.34 (1/1/3/3/1 blocks), 64x64, 10 classes: a forward pass and one training step. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("scaledDown")
  void scaledDownModelTrainsOneStep(String model, String activation) {
    ModelSpec spec = new ModelSpec(model, activation, 10, 64, 3, 0.125, 0.34);
    ComputationGraph net = new ComputationGraph(ModelZoo.build(spec, 7, new Adam(1e-3), 5e-4));
    net.init();
    Nd4j.getRandom().setSeed(11);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64);
    INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 10);
    y.putScalar(0, 3, 1);
    y.putScalar(1, 8, 1);
    INDArray out = net.outputSingle(x);
    assertArrayEquals(new long[] {2, 10}, out.shape());
    net.fit(new DataSet(x, y));
    double loss = net.score();
    assertTrue(Double.isFinite(loss) && loss > 0, model + " with " + activation + ": loss " + loss + " after one step");
  }
}
