package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds every model from a {@link ModelSpec}.
 *
 * <p>The families available so far are scaled-down networks for small inputs (28-64 px):
 *
 * <ul>
 *   <li>{@code tinycsp}: a 3x3 stem and two CSP stages (CSPResNet-style, 32 and 64 channels at width
 *       1), global average pooling, softmax;
 *   <li>{@code tinyresnet}: the same stem and widths with plain residual stages, the non-CSP baseline.
 * </ul>
 */
public final class ModelZoo {

  /** Model names {@link #build} accepts. */
  public static final List<String> NAMES = List.of("tinycsp", "tinyresnet");

  private ModelZoo() {}

  /** Throws an IllegalArgumentException naming the known models when {@code name} is not one. */
  public static void requireKnown(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  /**
   * Builds the graph configuration of {@code spec}.
   *
   * @param seed weight-initialisation seed
   * @param updater optimiser with its learning rate
   * @param weightDecay weight decay coefficient (0 for none), applied with the learning rate
   */
  public static ComputationGraphConfiguration build(ModelSpec spec, long seed, IUpdater updater, double weightDecay) {
    GraphBuilder graph =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .updater(updater)
            .weightDecay(weightDecay)
            .weightInit(WeightInit.RELU)
            .graphBuilder()
            .addInputs("input")
            .setInputTypes(InputType.convolutional(spec.resolution(), spec.resolution(), spec.channels()));
    Blocks blocks = new Blocks(graph, ActivationRegistry.parse(spec.activation()));
    String x = blocks.convBnAct("stem", "input", spec.channels(16), 3, 2);
    switch (spec.name()) {
      case "tinycsp" -> {
        x = blocks.cspStage("stage1", x, spec.channels(32), spec.blocks(1));
        x = blocks.cspStage("stage2", x, spec.channels(64), spec.blocks(1));
      }
      case "tinyresnet" -> {
        x = blocks.resStage("stage1", x, spec.channels(32), spec.blocks(1));
        x = blocks.resStage("stage2", x, spec.channels(64), spec.blocks(1));
      }
      default -> throw new IllegalStateException("unreachable: " + spec.name());
    }
    graph.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
    graph.addLayer(
        "output",
        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(spec.classes())
            .activation(new ActivationSoftmax())
            .weightInit(WeightInit.XAVIER)
            .build(),
        "pool");
    graph.setOutputs("output");
    return graph.build();
  }
}
