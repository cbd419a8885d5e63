package io.mishbench.jobs;

import io.mishbench.bench.JsonLine;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
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

  @Override
  public Integer call() {
    if (batch < 1 || steps < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "--batch and --steps must be >= 1 and --warmup >= 0, got " + batch + ", " + steps + " and " + warmup);
    }
    ModelSpec modelSpec = new ModelSpec(model, activation, classes, resolution, channels, width, depth);
    ComputationGraph net = new ComputationGraph(ModelZoo.build(modelSpec, 1, new Nesterovs(0.01, 0.9), 5e-4));
    net.init();
    Nd4j.getRandom().setSeed(1);
    DataSet data = new DataSet(
        Nd4j.rand(DataType.FLOAT, batch, channels, resolution, resolution),
        Nd4j.eye(classes).getRows(IntStream.range(0, batch).map(i -> i % classes).toArray()).castTo(DataType.FLOAT));
    for (int i = 0; i < warmup; i++) {
      net.fit(data);
    }
    if (profileOps) {
      OpProfiler.getInstance().reset();
      Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
    }
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      net.fit(data);
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
        .put("backend", Nd4j.getBackend().getClass().getSimpleName()).put("loss", String.valueOf(net.score())));
    if (profileOps) {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println("ND4J op time by op name, timed steps (OpProfiler):");
      spec.commandLine().getErr().println(OpProfiler.getInstance().getLongAggergator().asPercentageString());
    }
    return 0;
  }
}
