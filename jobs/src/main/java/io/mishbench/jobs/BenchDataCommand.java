package io.mishbench.jobs;

import io.mishbench.bench.AugmentBenchmark;
import io.mishbench.bench.JsonLine;
import io.mishbench.data.AugmentSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench-data", mixinStandardHelpOptions = true,
    description = "Measures, on one thread (no Spark), how fast JPEG bytes become augmented training minibatches:"
        + " ImageIO decode, per-image augmentation and per-minibatch mixing of generated photograph-like images;"
        + " prints one JSON object with per-image times and images_per_sec_per_core.")
final class BenchDataCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--resolution", defaultValue = "224", description = "Training input size in pixels, 8..1024 (default: ${DEFAULT-VALUE}).")
  int resolution;

  @Option(names = "--images", defaultValue = "256", description = "Images timed (default: ${DEFAULT-VALUE}).")
  int images;

  @Option(names = "--batch", defaultValue = "32", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--preset", defaultValue = "paper", description = "Augmentation preset (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the images and the augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--short-side", defaultValue = "256", description = "Shorter side of the generated 4:3 images, as prepared (default: ${DEFAULT-VALUE}).")
  int shortSide;

  @Option(names = "--classes", defaultValue = "1000", description = "Label classes (default: ${DEFAULT-VALUE}).")
  int classes;

  @Override
  public Integer call() {
    if (resolution < 8 || resolution > 1024) {
      throw new IllegalArgumentException("--resolution must be in [8, 1024], got " + resolution);
    }
    AugmentSettings settings = AugmentSettings.preset(preset);
    AugmentBenchmark.Result r = AugmentBenchmark.run(settings, resolution, images, batch, classes, shortSide, seed);
    spec.commandLine().getOut().println(new JsonLine().put("resolution", r.resolution()).put("images", r.images())
        .put("batch", r.batch()).put("preset", preset).put("classes", r.classes())
        .put("source", r.sourceWidth() + "x" + r.sourceHeight()).fixed("jpeg_kb_per_image", r.jpegKbPerImage(), 1)
        .fixed("decode_ms_per_image", r.decodeMsPerImage(), 3).fixed("augment_ms_per_image", r.augmentMsPerImage(), 3)
        .fixed("batch_ms_per_image", r.batchMsPerImage(), 3).fixed("total_ms_per_image", r.totalMsPerImage(), 3)
        .fixed("images_per_sec_per_core", r.imagesPerSecPerCore(), 1));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
