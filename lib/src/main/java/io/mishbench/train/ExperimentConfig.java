package io.mishbench.train;

import io.mishbench.config.IntRange;
import io.mishbench.config.Interval;
import io.mishbench.data.AugmentSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
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

  /** {@code width} and {@code depth}. */
  public static final Interval MULTIPLIER = Interval.openClosed(0, 16);

  /** {@code resolution} when it is not 0. */
  public static final IntRange RESOLUTION = IntRange.of(8, 1024);

  public ExperimentConfig {
    MULTIPLIER.check("width", width);
    MULTIPLIER.check("depth", depth);
    if (resolution != 0) {
      RESOLUTION.check("resolution (or 0)", resolution);
    }
    augmentations = Collections.unmodifiableMap(new LinkedHashMap<>(augmentations));
  }

  /**
   * {@code v} when it is 0 or in {@link #RESOLUTION}.
   *
   * @throws IllegalArgumentException naming both choices
   */
  public static int checkResolution(int v) {
    if (v != 0 && !RESOLUTION.contains(v)) {
      throw new IllegalArgumentException(
          "must be 0 (the prepared dataset's image size) or in " + RESOLUTION + ", got " + v);
    }
    return v;
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
   * @param optimizer {@code sgd} (classical momentum, {@link MomentumSgd}), {@code nesterov} (DL4J's
   *     Nesterov momentum) or {@code adam}
   * @param learningRate base learning rate, (0, 10]
   * @param momentum [0, 1), sgd and nesterov only
   * @param weightDecay [0, 1)
   * @param evalBatchSize examples per evaluation minibatch, 1..65,536
   * @param schedule how the learning rate moves over the run
   * @param evalEvery validation every this many epochs (and always after the last), 1..10,000
   * @param targetTop1 time-to-accuracy target top-1 in (0, 1], or 0 for none
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
      int evalBatchSize,
      Schedule schedule,
      int evalEvery,
      double targetTop1) {

    public static final IntRange EPOCHS = IntRange.of(1, 10_000);
    public static final IntRange WORKERS = IntRange.of(1, 4096);
    /** {@code batch-size-per-worker} and {@code eval-batch-size}. */
    public static final IntRange BATCH = IntRange.of(1, 65_536);
    /** {@code averaging-frequency} and {@code eval-every}. */
    public static final IntRange EVERY = IntRange.of(1, 10_000);
    public static final Interval LEARNING_RATE = Interval.openClosed(0, 10);
    /** {@code momentum} and {@code weight-decay}. */
    public static final Interval FRACTION = Interval.closedOpen(0, 1);
    /** {@code target-top1}: 0 for none. */
    public static final Interval TARGET = Interval.closed(0, 1);

    public Training {
      EPOCHS.check("epochs", epochs);
      WORKERS.check("workers", workers);
      BATCH.check("batch-size-per-worker", batchSizePerWorker);
      EVERY.check("averaging-frequency", averagingFrequency);
      LEARNING_RATE.check("learning-rate", learningRate);
      FRACTION.check("momentum", momentum);
      FRACTION.check("weight-decay", weightDecay);
      BATCH.check("eval-batch-size", evalBatchSize);
      EVERY.check("eval-every", evalEvery);
      TARGET.check("target-top1", targetTop1);
    }

    /** Whether epoch {@code epoch} (1-based) ends with a validation pass. */
    public boolean evaluates(int epoch) {
      return epoch % evalEvery == 0 || epoch == epochs;
    }

    /** The time-to-accuracy target, or null when there is none. */
    public Double target() {
      return targetTop1 > 0 ? targetTop1 : null;
    }
  }

  /**
   * The learning-rate schedule of an experiment file ({@link LearningRateSchedule} explains each kind).
   *
   * @param kind constant, step, cosine or poly
   * @param warmupSteps warm-up length in minibatch steps (Darknet's burn_in), 0 for none
   * @param warmupPower warm-up exponent, (0, 10]
   * @param milestones step: the epochs after which the rate is multiplied by {@code gamma}, increasing, each in
   *     [1, epochs]
   * @param gamma step: factor in (0, 1]
   * @param power poly: exponent in (0, 10]
   * @param min cosine: the final rate, [0, learning-rate)
   */
  public record Schedule(
      String kind, long warmupSteps, double warmupPower, List<Integer> milestones, double gamma, double power,
      double min) {

    public static final IntRange WARMUP_STEPS = IntRange.of(0, 100_000_000);
    /** {@code warmup-power} and {@code power}. */
    public static final Interval POWER = Interval.openClosed(0, 10);
    public static final Interval GAMMA = Interval.openClosed(0, 1);
    /** {@code min}; it must also be below the base rate, which the experiment reader checks. */
    public static final Interval MIN = Interval.closed(0, 10);

    public Schedule {
      if (warmupSteps < WARMUP_STEPS.min() || warmupSteps > WARMUP_STEPS.max()) {
        throw new IllegalArgumentException("warmup-steps must be in " + WARMUP_STEPS + ", got " + warmupSteps);
      }
      POWER.check("warmup-power", warmupPower);
      POWER.check("power", power);
      GAMMA.check("gamma", gamma);
      MIN.check("min", min);
      milestones = List.copyOf(milestones);
    }

    /** A constant learning rate. */
    public static final Schedule CONSTANT = new Schedule("constant", 0, 4, List.of(), 0.1, 4, 0);

    /** The schedule of a run with {@code stepsPerEpoch} DL4J steps per epoch. */
    public LearningRateSchedule build(double base, long stepsPerEpoch, int epochs) {
      return new LearningRateSchedule(kind, base, stepsPerEpoch, stepsPerEpoch * epochs, warmupSteps, warmupPower,
          milestones.stream().mapToInt(Integer::intValue).toArray(), gamma, power, min);
    }
  }

  /**
   * The benchmark grid: every combination is one run.
   *
   * @param rows the table's rows as (model, augmentation) pairs: {@code models x augmentations}, or the
   *     experiment file's {@code grid.rows} when it lists some (the paper's table is not a full cross
   *     product)
   */
  public record Grid(
      List<String> models, List<String> activations, List<String> augmentations, List<Long> seeds, List<Row> rows) {

    /** A grid over every model and augmentation. */
    public Grid(List<String> models, List<String> activations, List<String> augmentations, List<Long> seeds) {
      this(models, activations, augmentations, seeds, crossProduct(models, augmentations));
    }

    private static List<Row> crossProduct(List<String> models, List<String> augmentations) {
      List<Row> rows = new ArrayList<>();
      for (String m : models) {
        for (String a : augmentations) {
          rows.add(new Row(m, a));
        }
      }
      return rows;
    }
  }

  /** One row of the comparison table: a model trained with an augmentation preset. */
  public record Row(String model, String augmentation) {}

  /** The grid's cells: rows in order, then activations, then seeds. */
  public List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    for (Row row : grid.rows()) {
      for (String a : grid.activations()) {
        for (long s : grid.seeds()) {
          cells.add(new Cell(row.model(), a, row.augmentation(), s));
        }
      }
    }
    return cells;
  }
}
