package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Builds every model from a {@link ModelSpec}: the family's body ({@link ModelFamily}), then global
 * average pooling and a dense softmax classifier. Families and their names are listed in
 * {@link #FAMILIES}.
 */
public final class ModelZoo {

  /** Every family by name, in the order {@code models} lists them. */
  private static final Map<String, ModelFamily> FAMILIES = families();

  /** Model names {@link #build} accepts. */
  public static final List<String> NAMES = List.copyOf(FAMILIES.keySet());

  private ModelZoo() {}

  private static Map<String, ModelFamily> families() {
    Map<String, ModelFamily> f = new LinkedHashMap<>();
    f.put("resnet20", new CifarResNet(3));
    f.put("resnet50", new TorchvisionResNet());
    f.put("resnext50", new DarknetResNeXt());
    f.put("cspresnet50", new CspResNetFamily(false));
    f.put("cspresnext50", new CspResNetFamily(true));
    f.put("darknet53", new DarknetFamily(false));
    f.put("cspdarknet53", new DarknetFamily(true));
    f.put("peleenet", new PeleeNetFamily(false));
    f.put("csppeleenet", new PeleeNetFamily(true));
    f.put("spinenet49", new SpineNetFamily());
    return Collections.unmodifiableMap(f);
  }

  /** Throws an IllegalArgumentException naming the known models when {@code name} is not one. */
  public static void requireKnown(String name) {
    if (!FAMILIES.containsKey(name)) {
      throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  /** The smallest input (pixels) model {@code name} accepts: its total down-sampling. */
  public static int minResolution(String name) {
    requireKnown(name);
    return FAMILIES.get(name).downsampling();
  }

  /** Why model {@code name} needs {@link #minResolution} pixels, as a clause for an error message. */
  public static String minResolutionReason(String name) {
    requireKnown(name);
    return FAMILIES.get(name).downsamplingReason();
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
    String x = FAMILIES.get(spec.name()).body(blocks, spec, "input");
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
