package io.mishbench.jobs;

import io.mishbench.bench.JsonLine;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-train", mixinStandardHelpOptions = true,
    description = "Measures training throughput of one model in this process (no Spark) on random data; prints one"
        + " JSON object with images_per_sec, step_ms and params.")
final class BenchTrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model name.") String model;
  @Option(names = "--activation", defaultValue = "mish", description = "Activation (default: ${DEFAULT-VALUE}).") String activation;
  @Option(names = "--resolution", defaultValue = "32", description = "Input size in pixels (default: ${DEFAULT-VALUE}).") int resolution;
  @Option(names = "--channels", defaultValue = "3", description = "Input channels (default: ${DEFAULT-VALUE}).") int channels;
  @Option(names = "--classes", defaultValue = "10", description = "Classes (default: ${DEFAULT-VALUE}).") int classes;
  @Option(names = "--batch", defaultValue = "32", description = "Minibatch size (default: ${DEFAULT-VALUE}).") int batch;
  @Option(names = "--steps", defaultValue = "20", description = "Timed steps, after the warm-up steps (default: ${DEFAULT-VALUE}).") int steps;
  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).") int warmup;
  @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier (default: ${DEFAULT-VALUE}).") double width;
  @Option(names = "--depth", defaultValue = "1.0", description = "Depth multiplier (default: ${DEFAULT-VALUE}).") double depth;
  @Option(names = "--profile-ops",
      description = "Times every ND4J op of the timed steps (ND4J's OpProfiler; slows them down) and prints the share of"
          + " op time per op name to standard error after the JSON line.")
  boolean profileOps;
  @Option(names = "--inference",
      description = "Times evaluation instead of training: the forward pass in inference mode (running batch-norm"
          + " statistics, no gradients), as the evaluation after each epoch runs it.")
  boolean inference;
  @Option(names = "--pair-property", paramLabel = "NAME",
      description = "Also builds the network with system property NAME=true (one read when the network is built, such as"
          + " mishbench.activation.unfused) and alternates its steps with the first network's, so that both see the same"
          + " machine; adds pair_images_per_sec, pair_step_ms and ratio_median (the median of the per-step time ratios,"
          + " pair over first).")
  String pairProperty;

  @Override
  public Integer call() {
    if (batch < 1 || steps < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "--batch and --steps must be >= 1 and --warmup >= 0, got " + batch + ", " + steps + " and " + warmup);
    }
    ModelSpec modelSpec = new ModelSpec(model, activation, classes, resolution, channels, width, depth);
    ComputationGraph net = build(modelSpec);
    Nd4j.getRandom().setSeed(1);
    DataSet data = new DataSet(
        Nd4j.rand(DataType.FLOAT, batch, channels, resolution, resolution),
        Nd4j.eye(classes).getRows(IntStream.range(0, batch).map(i -> i % classes).toArray()).castTo(DataType.FLOAT));
    if (pairProperty != null) {
      if (inference) {
        throw new IllegalArgumentException("--pair-property times training steps; drop --inference");
      }
      return paired(modelSpec, net, data);
    }
    Runnable step = inference ? () -> net.output(false, data.getFeatures()) : () -> net.fit(data);
    for (int i = 0; i < warmup; i++) {
      step.run();
    }
    if (profileOps) {
      OpProfiler.getInstance().reset();
      Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
    }
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step.run();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (profileOps) {
      Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
    }
    String ext = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
    spec.commandLine().getOut().println(new JsonLine().put("model", model).put("activation", modelSpec.activation())
        .put("resolution", resolution).put("batch", batch).put("steps", steps).put("params", net.numParams())
        .fixed("images_per_sec", batch * steps / seconds, 2).fixed("step_ms", 1000 * seconds / steps, 2)
        .put("nd4j_extension", ext).put("threads", Runtime.getRuntime().availableProcessors())
        .put("backend", Nd4j.getBackend().getClass().getSimpleName()).put("inference", inference)
        .put("loss", String.valueOf(net.score())));
    if (profileOps) {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println("ND4J op time by op name, timed steps (OpProfiler):");
      spec.commandLine().getErr().println(OpProfiler.getInstance().getLongAggergator().asPercentageString());
    }
    return 0;
  }

  private static ComputationGraph build(ModelSpec modelSpec) {
    ComputationGraph net = new ComputationGraph(ModelZoo.build(modelSpec, 1, new Nesterovs(0.01, 0.9), 5e-4));
    net.init();
    return net;
  }

  /** Both networks, steps alternated: the first's and the pair's step times, and the median of their ratios. */
  private int paired(ModelSpec modelSpec, ComputationGraph first, DataSet data) {
    String before = System.getProperty(pairProperty);
    System.setProperty(pairProperty, "true");
    ComputationGraph pair;
    try {
      pair = build(modelSpec);
    } finally {
      if (before == null) {
        System.clearProperty(pairProperty);
      } else {
        System.setProperty(pairProperty, before);
      }
    }
    for (int i = 0; i < warmup; i++) {
      first.fit(data);
      pair.fit(data);
    }
    double[] a = new double[steps];
    double[] b = new double[steps];
    double[] ratio = new double[steps];
    for (int i = 0; i < steps; i++) {
      a[i] = timedFit(first, data);
      b[i] = timedFit(pair, data);
      ratio[i] = b[i] / a[i];
    }
    double sa = Arrays.stream(a).sum();
    double sb = Arrays.stream(b).sum();
    Arrays.sort(ratio);
    double median = steps % 2 == 1 ? ratio[steps / 2] : (ratio[steps / 2 - 1] + ratio[steps / 2]) / 2;
    spec.commandLine().getOut().println(new JsonLine().put("model", model).put("activation", modelSpec.activation())
        .put("resolution", resolution).put("batch", batch).put("steps", steps).put("params", first.numParams())
        .fixed("images_per_sec", batch * steps / sa, 2).fixed("step_ms", 1000 * sa / steps, 2)
        .put("pair_property", pairProperty).fixed("pair_images_per_sec", batch * steps / sb, 2)
        .fixed("pair_step_ms", 1000 * sb / steps, 2).fixed("ratio_median", median, 3)
        .put("loss", String.valueOf(first.score())).put("pair_loss", String.valueOf(pair.score())));
    return 0;
  }

  private static double timedFit(ComputationGraph net, DataSet data) {
    long start = System.nanoTime();
    net.fit(data);
    return (System.nanoTime() - start) / 1e9;
  }
}
