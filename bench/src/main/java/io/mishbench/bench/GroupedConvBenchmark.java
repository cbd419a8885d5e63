package io.mishbench.bench;

import io.mishbench.activation.ActivationRegistry;
import io.mishbench.model.Blocks;
import io.mishbench.model.GroupedConv2D;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Times one training step (forward + backward + update) of a single grouped 3x3 convolution in
 * each implementation: channel slices ({@link Blocks#channelSlicedConv}, DL4J's own layers, the
 * reference), the native layer the zoo uses ({@link GroupedConv2D}), and, for scale, the ungrouped
 * convolution of the same width (groups times the multiply-accumulates).
 */
public final class GroupedConvBenchmark {

  /** One implementation's best step time. */
  public record Result(String implementation, int channels, int groups, int size, int batch, double stepMs) {}

  private GroupedConvBenchmark() {}

  public static List<Result> run(int channels, int groups, int size, int batch, int steps) {
    if (channels < 1 || groups < 1 || channels % groups != 0 || size < 3 || batch < 1 || steps < 1) {
      throw new IllegalArgumentException("need channels divisible by groups, size >= 3, batch and steps >= 1; got "
          + channels + " channels, " + groups + " groups, size " + size + ", batch " + batch + ", steps " + steps);
    }
    Nd4j.getRandom().setSeed(1);
    DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, batch, channels, size, size),
        Nd4j.eye(10).getRows(IntStream.range(0, batch).map(i -> i % 10).toArray()).castTo(DataType.FLOAT));
    List<Result> results = new ArrayList<>();
    for (String impl : List.of("channel-slices", "native-im2col", "ungrouped")) {
      ComputationGraph net = net(impl, channels, groups, size);
      for (int i = 0; i < 2; i++) {
        net.fit(data);
      }
      double best = Double.MAX_VALUE;
      for (int i = 0; i < steps; i++) {
        long t = System.nanoTime();
        net.fit(data);
        best = Math.min(best, (System.nanoTime() - t) / 1e6);
      }
      results.add(new Result(impl, channels, impl.equals("ungrouped") ? 1 : groups, size, batch, best));
    }
    return results;
  }

  private static ComputationGraph net(String impl, int channels, int groups, int size) {
    GraphBuilder g = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.01)).graphBuilder()
        .addInputs("in").setInputTypes(InputType.convolutional(size, size, channels));
    Blocks blocks = new Blocks(g, ActivationRegistry.parse("relu"));
    switch (impl) {
      case "channel-slices" -> blocks.channelSlicedConv("gconv", "in", channels, channels, 3, 1, groups);
      case "native-im2col" -> blocks.groupedConv("gconv", "in", channels, channels, 3, 1, groups);
      default -> blocks.groupedConv("gconv", "in", channels, channels, 3, 1, 1);
    }
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "gconv")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(10).activation(new ActivationSoftmax()).build(), "pool")
        .setOutputs("out");
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }
}
