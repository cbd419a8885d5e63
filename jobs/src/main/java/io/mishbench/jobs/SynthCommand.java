package io.mishbench.jobs;

import io.mishbench.data.SynthDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "Generates an ImageNet-style dataset of oriented gratings (train/ and val/ folders of PNGs).")
final class SynthCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, description = "Folder to write train/ and val/ into.")
  Path output;

  @Option(names = "--classes", required = true, description = "Number of classes, 2..1000.")
  int classes;

  @Option(names = "--per-class", required = true, description = "Training images per class (validation gets a fifth).")
  int perClass;

  @Option(names = "--size", required = true, description = "Image width and height in pixels.")
  int size;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    int n = SynthDataset.generate(new SynthDataset.Options(output, classes, perClass, size, seed));
    spec.commandLine().getOut().printf("synth: wrote %d images of %d classes to %s%n", n, classes, output.toAbsolutePath());
    return 0;
  }
}
