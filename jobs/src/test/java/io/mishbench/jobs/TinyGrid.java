package io.mishbench.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The experiment the process-level tests train: resnet20 at width 0.25 and 16 px, 2 parameter-averaging
 * workers of 16 images averaged every 2 minibatches, Adam 0.005. Small enough for seconds per epoch.
 */
final class TinyGrid {

  private TinyGrid() {}

  /**
   * Writes the experiment to {@code file}.
   *
   * @param activations the grid's activations as HOCON list items, e.g. {@code "leakyrelu, mish"}
   */
  static Path write(Path file, Path prepared, Path results, int epochs, String activations) throws IOException {
    return write(file, prepared.toString(), results.toString(), epochs, activations);
  }

  /** The same with {@code prepared} and {@code results} as locations of any kind (hdfs://, s3a://, paths). */
  static Path write(Path file, String prepared, String results, int epochs, String activations) throws IOException {
    Files.writeString(file, """
        dataset = "%s"
        results = "%s"
        width = 0.25
        resolution = 16
        training { epochs = %d, workers = 2, batch-size-per-worker = 16, averaging-frequency = 2, optimizer = adam,
                   learning-rate = 0.005 }
        grid { models = [resnet20], activations = [%s] }
        """.formatted(prepared, results, epochs, activations));
    return file;
  }
}
