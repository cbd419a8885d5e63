package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * SpineNet-49 (classification) against Du et al. (CVPR 2020, table: 22.1M parameters, 3.5B
 * multiply-adds at 224) and tensorflow/tpu's spinenet.py, and its feature-map sizes at an input that
 * is not a multiple of 128.
 */
class SpineNetTest {

  private static ModelCounter.Counts count(int classes, int resolution, double width) {
    ModelSpec spec = new ModelSpec("spinenet49", "swish", classes, resolution, 3, width, 1);
    ComputationGraphConfiguration conf = ModelZoo.build(spec, 1, new Sgd(0.1), 0);
    return ModelCounter.count(conf, InputType.convolutional(resolution, resolution, 3));
  }

  @Test
  void spinenet49HasThePublishedParametersAndMultiplyAdds() {
    ModelCounter.Counts c = count(1000, 224, 1);
    System.out.printf("spinenet49: %,d parameters TF/PyTorch convention (published 22.1M, %+.3f%%), %,d weights,"
            + " %,d DL4J params, %.4f G MACs at 224 (published 3.5B, %+.3f%%)%n", c.trainable(),
        100 * (c.trainable() - 22.1e6) / 22.1e6, c.weights(), c.params(), c.macs() / 1e9, 100 * (c.macs() - 3.5e9) / 3.5e9);
    // convolution + dense weights, the dense layer's 1,000 biases and gamma and beta of every batch norm
    assertEquals(22_088_488L, c.trainable(), "spinenet49 parameters as TensorFlow counts spinenet.py's variables");
    assertEquals(c.trainable() - c.weights() - 1000, (c.params() - c.weights() - 1000) / 2,
        "batch-norm values: 2 per channel in TensorFlow, 4 in DL4J");
    assertEquals(3.5e9, c.macs(), 0.01 * 3.5e9, "MACs at 224 within 1% of the published 3.5B multiply-adds");
  }

  /** At 224 the levels are 56, 28, 14, 7, 4, 2 pixels (ceil(224 / 2^level)); every sum gets equal shapes. */
  @Test
  void levelsAt224HaveTensorFlowsSizes() {
    ModelSpec spec = new ModelSpec("spinenet49", "mish", 10, 224, 3, 0.25, 1);
    ComputationGraphConfiguration conf = ModelZoo.build(spec, 1, new Sgd(0.1), 0);
    Map<String, InputType> types = conf.getLayerActivationTypes(InputType.convolutional(224, 224, 3));
    int[] expected = {0, 0, 56, 28, 14, 7, 4, 2};
    for (int i = 0; i < SpineNetFamily.BLOCKS.size(); i++) {
      int level = SpineNetFamily.BLOCKS.get(i).level();
      InputType.InputTypeConvolutional t = (InputType.InputTypeConvolutional) types.get("b" + i + "_out");
      assertEquals(expected[level], t.getHeight(), "block " + i + " (level " + level + ") height");
      assertEquals(expected[level], t.getWidth(), "block " + i + " (level " + level + ") width");
    }
    InputType.InputTypeConvolutional head = (InputType.InputTypeConvolutional) types.get("head_mean");
    assertEquals(28, head.getHeight(), "the head averages at level 3");
    assertEquals(64, head.getChannels(), "256 endpoint channels at width 0.25");
  }

  /** Block 12 (counting from 0; level 5, an output) also reads block 9, which nothing read: spinenet.py's outdegree-0 rule. */
  @Test
  void outputBlockAddsTheUnreadBlockOfItsShape() {
    ModelSpec spec = new ModelSpec("spinenet49", "relu", 10, 128, 3, 0.25, 1);
    ComputationGraphConfiguration conf = ModelZoo.build(spec, 1, new Sgd(0.1), 0);
    assertEquals(java.util.List.of("b12_r0_match_bn", "b12_r1_match_bn", "b9_out"),
        conf.getVertexInputs().get("b12_in"));
    for (int i = 0; i < SpineNetFamily.BLOCKS.size(); i++) {
      if (i != 12) {
        assertEquals(2, conf.getVertexInputs().get("b" + i + "_in").size(), "block " + i + " sums its two parents");
      }
    }
  }

  @Test
  void resolutionBelow128IsRefusedNamingLevel7() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ModelSpec("spinenet49", "mish", 10, 96, 3, 1, 1));
    assertTrue(e.getMessage().contains(">= 128") && e.getMessage().contains("level, 7"), e.getMessage());
  }

  /** A scaled-down SpineNet-49 (width 0.1: 4 to 26 channels; 128 pixels, 10 classes) takes a finite training step. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mish", "swish", "leakyrelu"})
  void scaledDownTrains(String activation) {
    ZooChecks.trainsOneStep("spinenet49", activation, 0.1, 128);
  }
}
