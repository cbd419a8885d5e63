package io.mishbench.jobs;

import io.mishbench.activation.ActivationRegistry;
import io.mishbench.bench.ActivationBenchmark;
import io.mishbench.bench.JsonLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-activations", mixinStandardHelpOptions = true,
    description = "Times forward + backward of mishbench's and DL4J's Mish, Swish, LeakyReLU and ReLU on one float32"
        + " array in this process; prints one JSON object per activation (best of --repeats).")
final class BenchActivationsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--elements", defaultValue = "16777216", description = "Array length (default: ${DEFAULT-VALUE}).")
  int elements;

  @Option(names = "--repeats", defaultValue = "10", description = "Timed repeats (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public Integer call() {
    String kernel = ActivationRegistry.floatKernel();
    for (ActivationBenchmark.Result r : ActivationBenchmark.run(elements, repeats)) {
      spec.commandLine().getOut().println(new JsonLine().put("implementation", r.implementation())
          .put("activation", r.activation()).put("elements", r.elements()).fixed("forward_ms", r.forwardMs(), 2)
          .fixed("backward_ms", r.backwardMs(), 2).fixed("total_ms", r.totalMs(), 2)
          .significant("elements_per_sec", r.elementsPerSecond(), 4)
          .put("kernel", r.implementation().equals("mishbench") ? kernel : "nd4j"));
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
