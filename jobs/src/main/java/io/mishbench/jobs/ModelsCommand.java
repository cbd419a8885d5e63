package io.mishbench.jobs;

import io.mishbench.model.ModelCounter;
import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
    description = "Lists the model zoo with DL4J's parameter count, the weights the papers count (convolution and"
        + " dense weights: no batch norm, no biases) and multiply-accumulates per image, counted from each"
        + " network's configuration (nothing is allocated). Models whose down-sampling needs more than --resolution"
        + " pixels are named on standard error instead.")
final class ModelsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", split = ",", description = "Models to list (default: all).")
  List<String> models;

  @Option(names = "--resolution", defaultValue = "224", description = "Input size in pixels (default: ${DEFAULT-VALUE}).")
  int resolution;

  @Option(names = "--classes", defaultValue = "1000", description = "Classes (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(names = "--channels", defaultValue = "3", description = "Input channels (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier (default: ${DEFAULT-VALUE}).")
  double width;

  @Option(names = "--depth", defaultValue = "1.0", description = "Depth multiplier (default: ${DEFAULT-VALUE}).")
  double depth;

  @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() {
    if (!format.equals("table") && !format.equals("json")) {
      throw new IllegalArgumentException("--format must be table or json, got '" + format + "'");
    }
    List<String> names = models == null ? ModelZoo.NAMES : models;
    List<ModelSpec> specs = new ArrayList<>();
    List<String> tooSmall = new ArrayList<>();
    for (String raw : names) { // every spec validated before anything is built
      String name = raw.trim();
      ModelZoo.requireKnown(name);
      if (resolution < ModelZoo.minResolution(name)) {
        tooSmall.add(name + " (needs >= " + ModelZoo.minResolution(name) + " pixels: "
            + ModelZoo.minResolutionReason(name) + ")");
        continue;
      }
      specs.add(new ModelSpec(name, "mish", classes, resolution, channels, width, depth));
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("no model fits --resolution " + resolution + ": " + String.join("; ", tooSmall));
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String> rows = new ArrayList<>();
    if (format.equals("table")) {
      out.printf(Locale.ROOT, "%-14s %14s %14s %16s %10s %8s%n", "model", "params", "weights", "MACs", "resolution", "classes");
    }
    for (ModelSpec s : specs) {
      ModelCounter.Counts c = ModelCounter.count(ModelZoo.build(s, 1, new Sgd(0.1), 0),
          InputType.convolutional(resolution, resolution, channels));
      if (format.equals("table")) {
        out.printf(Locale.ROOT, "%-14s %,14d %,14d %,16d %10d %8d%n", s.name(), c.params(), c.weights(), c.macs(), resolution, classes);
      } else {
        rows.add(String.format(Locale.ROOT,
            "  {\"name\":\"%s\",\"params\":%d,\"weights\":%d,\"macs\":%d,\"resolution\":%d,\"classes\":%d,"
                + "\"channels\":%d,\"width\":%s,\"depth\":%s}",
            s.name(), c.params(), c.weights(), c.macs(), resolution, classes, channels, width, depth));
      }
    }
    if (format.equals("json")) {
      out.println("[\n" + String.join(",\n", rows) + "\n]");
    }
    out.flush();
    if (!tooSmall.isEmpty()) {
      spec.commandLine().getErr().println("models: not listed at --resolution " + resolution + ": "
          + String.join("; ", tooSmall));
    }
    return 0;
  }
}
