package io.mishbench.train;

import io.mishbench.data.AugmentSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One experiment file, resolved and validated (see {@link ConfigLoader}).
 *
 * @param dataset prepared dataset URI
 * @param results results store root URI
 * @param cell the run {@code train} executes
 * @param width channel multiplier, (0, 16]
 * @param depth block-count multiplier, (0, 16]
 * @param training how to train
 * @param grid what {@code benchmark} runs
 * @param resolution training input size in pixels: 0 for the prepared dataset's image size, else
 *     [8, 1024] (see {@link #inputResolution})
 * @param augmentations every augmentation preset a cell may name, built-in ({@link AugmentSettings#PRESETS})
 *     and the experiment file's {@code augmentation-presets}, resolved (see {@link #augmentSettings})
 */
public record ExperimentConfig(
    URI dataset,
    URI results,
    Cell cell,
    double width,
    double depth,
    Training training,
    Grid grid,
    int resolution,
    Map<String, AugmentSettings> augmentations) {

  public ExperimentConfig {
    if (resolution != 0 && (resolution < 8 || resolution > 1024)) {
      throw new IllegalArgumentException(
          "resolution must be 0 (the prepared dataset's image size) or in [8, 1024], got " + resolution);
    }
    augmentations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(augmentations));
  }

  /** A config with the dataset's own resolution and only the built-in augmentation presets. */
  public ExperimentConfig(
      URI dataset, URI results, Cell cell, double width, double depth, Training training, Grid grid) {
    this(dataset, results, cell, width, depth, training, grid, 0, builtInPresets());
  }

  private static Map<String, AugmentSettings> builtInPresets() {
    Map<String, AugmentSettings> m = new LinkedHashMap<>();
    for (String name : AugmentSettings.PRESETS) {
      m.put(name, AugmentSettings.preset(name));
    }
    return m;
  }

  /**
   * The resolved settings of augmentation preset {@code name}.
   *
   * @throws IllegalArgumentException naming the known presets when there is no such preset
   */
  public AugmentSettings augmentSettings(String name) {
    AugmentSettings s = augmentations.get(name);
    if (s == null) {
      throw new IllegalArgumentException(
          "unknown augmentation '" + name + "'; known: " + String.join(", ", augmentations.keySet()));
    }
    return s;
  }

  /** The resolved settings of {@code cell}'s augmentation. */
  public AugmentSettings augmentSettings(Cell cell) {
    return augmentSettings(cell.augmentation());
  }

  /** The training input size for a dataset prepared at {@code preparedImageSize} pixels. */
  public int inputResolution(int preparedImageSize) {
    return resolution == 0 ? preparedImageSize : resolution;
  }

  /**
   * One cell of the comparison: a model, an activation, an augmentation and a seed.
   *
   * @param model model name ({@link io.mishbench.model.ModelZoo#NAMES})
   * @param activation canonical activation name
   * @param augmentation augmentation preset name: built-in ({@link AugmentSettings#PRESETS}) or defined
   *     under {@code augmentation-presets}; {@link ExperimentConfig#augmentSettings(Cell)} resolves it
   * @param seed seed of weights and data order
   */
  public record Cell(String model, String activation, String augmentation, long seed) {}

  /**
   * Training settings.
   *
   * @param epochs passes over the training split, 1..10,000
   * @param workers parameter-averaging workers, 1..4,096
   * @param batchSizePerWorker examples per minibatch on each worker, 1..65,536
   * @param averagingFrequency minibatches per worker between averagings, 1..10,000
   * @param optimizer {@code sgd} (Nesterov momentum) or {@code adam}
   * @param learningRate (0, 10]
   * @param momentum [0, 1), sgd only
   * @param weightDecay [0, 1)
   * @param evalBatchSize examples per evaluation minibatch, 1..65,536
   */
  public record Training(
      int epochs,
      int workers,
      int batchSizePerWorker,
      int averagingFrequency,
      String optimizer,
      double learningRate,
      double momentum,
      double weightDecay,
      int evalBatchSize) {}

  /** The benchmark grid: every combination is one run. */
  public record Grid(List<String> models, List<String> activations, List<String> augmentations, List<Long> seeds) {}

  /** The grid's cells, models outermost, then augmentations, activations, seeds. */
  public List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    for (String m : grid.models()) {
      for (String aug : grid.augmentations()) {
        for (String a : grid.activations()) {
          for (long s : grid.seeds()) {
            cells.add(new Cell(m, a, aug, s));
          }
        }
      }
    }
    return cells;
  }
}
