package io.mishbench.train;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

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
 */
public record ExperimentConfig(
    URI dataset, URI results, Cell cell, double width, double depth, Training training, Grid grid) {

  /**
   * One cell of the comparison: a model, an activation, an augmentation and a seed.
   *
   * @param model model name ({@link io.mishbench.model.ModelZoo#NAMES})
   * @param activation canonical activation name
   * @param augmentation augmentation name ({@link ConfigLoader#AUGMENTATIONS})
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
