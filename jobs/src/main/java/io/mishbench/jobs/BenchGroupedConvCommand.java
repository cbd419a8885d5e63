package io.mishbench.jobs;

import io.mishbench.bench.GroupedConvBenchmark;
import io.mishbench.bench.JsonLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-grouped-conv", mixinStandardHelpOptions = true,
    description = "Times a training step of one grouped 3x3 convolution in each implementation (channel slices,"
        + " the native GroupedConv2D layer the zoo uses, and the ungrouped convolution for scale);"
        + " one JSON object per implementation.")
final class BenchGroupedConvCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--channels", defaultValue = "256", description = "Input and output channels (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--groups", defaultValue = "32", description = "Groups (default: ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--size", defaultValue = "32", description = "Feature map height and width (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--batch", defaultValue = "8", description = "Minibatch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--steps", defaultValue = "5", description = "Timed steps, best kept (default: ${DEFAULT-VALUE}).")
  int steps;

  @Override
  public Integer call() {
    for (GroupedConvBenchmark.Result r : GroupedConvBenchmark.run(channels, groups, size, batch, steps)) {
      spec.commandLine().getOut().println(new JsonLine().put("implementation", r.implementation())
          .put("channels", r.channels()).put("groups", r.groups()).put("size", r.size()).put("batch", r.batch())
          .fixed("step_ms", r.stepMs(), 2));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
