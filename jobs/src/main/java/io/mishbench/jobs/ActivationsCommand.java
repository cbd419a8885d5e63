package io.mishbench.jobs;

import io.mishbench.activation.ActivationCurve;
import io.mishbench.activation.ActivationPlot;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.fs.HadoopFiles;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "activations", mixinStandardHelpOptions = true,
    description = {
      "Prints an activation and its derivative as CSV (x,f,df), computed by the same code and in the same"
          + " dtype as training; or, with --plot, draws one or more of them into a PNG.",
      "Activations: mish, swish, leakyrelu (slope 0.1), leakyrelu:<slope>, relu."
    })
final class ActivationsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--activation", required = true, split = ",",
      description = "Activation name; with --plot a comma-separated list or the option repeated.")
  List<String> activations;

  @Option(names = "--dtype", defaultValue = "float32",
      description = "float32, float64, float16 or bfloat16 (default: ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--from", defaultValue = "-5", description = "First x (default: ${DEFAULT-VALUE}).")
  double from;

  @Option(names = "--to", defaultValue = "5", description = "Last x (default: ${DEFAULT-VALUE}).")
  double to;

  @Option(names = "--step", defaultValue = "0.1", description = "Distance between points (default: ${DEFAULT-VALUE}).")
  double step;

  @Option(names = "--plot", paramLabel = "FILE.png",
      description = "Write a PNG of f (solid) and f' (dashed) of every --activation over [--from, --to] instead"
          + " of the CSV (local path or Hadoop URI).")
  String plot;

  @Override
  public Integer call() throws Exception {
    DataType type = ActivationCurve.parseType(dtype);
    double[] grid = ActivationCurve.grid(from, to, step);
    List<ActivationRegistry.Spec> specs = new ArrayList<>();
    for (String name : activations) {
      specs.add(ActivationRegistry.parse(name));
    }
    if (plot == null) {
      if (specs.size() != 1) {
        throw new IllegalArgumentException("the CSV holds one activation, got " + specs.size()
            + " (" + String.join(", ", activations) + "); use --plot FILE.png to draw several");
      }
      PrintWriter out = spec.commandLine().getOut();
      ActivationCurve.sample(specs.get(0).create(), type, grid).writeCsv(out);
      out.flush();
      return 0;
    }
    if (!plot.toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new IllegalArgumentException("--plot writes a PNG; give a file name ending in .png, got '" + plot + "'");
    }
    List<ActivationCurve> curves = new ArrayList<>();
    for (ActivationRegistry.Spec s : specs) {
      curves.add(ActivationCurve.sample(s.create(), type, grid));
    }
    URI target = HadoopFiles.resolve(plot);
    HadoopFiles.writeAtomically(target, ActivationPlot.png(curves), HadoopFiles.configuration());
    spec.commandLine().getOut().println("wrote " + target);
    return 0;
  }
}
