package io.mishbench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The counter against numbers worked out by hand, and against DL4J's own count of a built network. */
class ModelCounterTest {

  @Test
  void handCountedGraph() {
    // 3x32x32 -> conv 3x3/2 to 16 (16x16) + BN -> grouped conv 3x3 16->32, 4 groups (16x16) + BN
    //   -> global average pool -> dense 32 -> 10 with bias
    GraphBuilder g = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(32, 32, 3));
    Blocks blocks = new Blocks(g, ActivationRegistry.parse("mish"));
    String x = blocks.convBnAct("a", "in", 16, 3, 2);
    x = blocks.groupedConvBnAct("b", x, 16, 32, 3, 1, 4);
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraphConfiguration conf = g.build();
    ModelCounter.Counts c = ModelCounter.count(conf, InputType.convolutional(32, 32, 3));
    long convA = 16 * 3 * 9;          // 432
    long convB = 32 * (16 / 4) * 9;   // 1152
    long dense = 32 * 10;             // 320
    assertEquals(convA + convB + dense, c.weights());
    assertEquals(convA * 16 * 16 + convB * 16 * 16 + dense, c.macs());
    long bn = 4 * (16 + 32);           // gamma, beta, mean, variance
    assertEquals(convA + convB + dense + 10 + bn, c.params());
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    assertEquals(net.numParams(), c.params(), "DL4J's own count of the built network");
  }
}
