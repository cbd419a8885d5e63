package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** ResNet-50 against torchvision's own counts, and a scaled-down one training with every activation. */
class TorchvisionResNetTest {

  private static ModelCounter.Counts count(int resolution) {
    ModelSpec spec = new ModelSpec("resnet50", "mish", 1000, resolution, 3, 1, 1);
    return ModelCounter.count(ModelZoo.build(spec, 1, new Sgd(0.1), 0), InputType.convolutional(resolution, resolution, 3));
  }

  @Test
  void hasTorchvisionsWeights() {
    ModelCounter.Counts c224 = count(224);
    ModelCounter.Counts c256 = count(256);
    System.out.printf("resnet50: weights %,d (torchvision 25,502,912), MACs@224 %,d, MACs@256 %,d, DL4J params %,d%n",
        c224.weights(), c224.macs(), c256.macs(), c224.params());
    // torchvision's conv + fc weights; PyTorch's 25,557,032 adds BN scale/shift (2 x 26,560) and the fc bias
    assertEquals(25_502_912, c224.weights());
    assertEquals(25_557_032 + 2 * 26_560, c224.params(), "DL4J adds BN running mean and variance");
    // torchvision reports 4.09 GMACs at 224 (convolutions + fc)
    assertEquals(4.09e9, c224.macs(), 0.01 * 4.09e9);
    assertTrue(c256.macs() > c224.macs());
  }

  @ParameterizedTest
  @ValueSource(strings = {"mish", "swish", "leakyrelu"})
  void scaledDownTrains(String activation) {
    ModelSpec spec = new ModelSpec("resnet50", activation, 10, 32, 3, 0.125, 0.34);
    ComputationGraph net = new ComputationGraph(ModelZoo.build(spec, 1, new Adam(1e-3), 0));
    net.init();
    Nd4j.getRandom().setSeed(1);
    DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32),
        Nd4j.eye(10).getRows(0, 1).castTo(DataType.FLOAT));
    assertEquals(10, net.outputSingle(data.getFeatures()).size(1));
    net.fit(data);
    assertTrue(Double.isFinite(net.score()), activation + " loss " + net.score());
  }

  @Test
  void tooSmallAnInputNamesTheLimit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("resnet50", "mish", 1000, 16, 3, 1, 1));
    assertTrue(e.getMessage().contains(">= 32"), e.getMessage());
  }
}
