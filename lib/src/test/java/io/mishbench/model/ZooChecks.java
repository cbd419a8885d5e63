package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** Checks the family tests share. */
final class ZooChecks {

  private ZooChecks() {}

  /**
   * Builds {@code model} scaled down (10 classes, depth 0.34), runs a forward pass of two images and
   * one training step, and asserts the output shape and that output and loss are finite.
   */
  static void trainsOneStep(String model, String activation, double width, int resolution) {
    ModelSpec spec = new ModelSpec(model, activation, 10, resolution, 3, width, 0.34);
    ComputationGraph net = new ComputationGraph(ModelZoo.build(spec, 7, new Sgd(0.01), 5e-4));
    net.init();
    Nd4j.getRandom().setSeed(11);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, resolution, resolution);
    INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 10);
    y.putScalar(0, 3, 1);
    y.putScalar(1, 7, 1);
    INDArray out = net.outputSingle(x);
    assertEquals(2, out.size(0), model + "/" + activation + " output rows");
    assertEquals(10, out.size(1), model + "/" + activation + " output classes");
    assertTrue(Double.isFinite(out.sumNumber().doubleValue()), model + "/" + activation + " output " + out);
    net.fit(new DataSet(x, y));
    assertTrue(Double.isFinite(net.score()), model + "/" + activation + " loss after one step: " + net.score());
  }
}
