package io.mishbench.experiments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.config.Checks;
import io.mishbench.config.ConfigFile;
import io.mishbench.config.ConfigReader;
import io.mishbench.config.ConfigValidationException;
import io.mishbench.config.IntRange;
import io.mishbench.config.Interval;
import io.mishbench.data.FashionMnistImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code robustness} block of a config file, resolved over {@code robustness-defaults.conf} and
 * validated: every problem is collected with its key path and reported at once
 * ({@link ConfigValidationException}), before any data is read or any network trained.
 *
 * @param dataset folder of the Fashion-MNIST IDX files; it must hold all four
 * @param output folder of the CSVs, PNGs and summary.md
 * @param results results store root (a local folder)
 * @param activations canonical activation names, at least one, no duplicates
 * @param seed seed of weight init, minibatch order, dropout and noise
 * @param trainImages the first this many training images, 0 = all
 * @param testImages the first this many test images, 0 = all
 * @param experiments which of {@link #EXPERIMENTS} run, at least one
 * @param network the network's shape
 * @param training how it trains
 * @param evalBatchSize minibatch of evaluation and attacks, [1, 65536]
 * @param depths the depth sweep's numbers of dense blocks, each in [1, 200]
 * @param evalDepth the depth of the network noise, FGSM and PGD evaluate, [1, 200]
 * @param noiseStds noise standard deviations (pixel units), each >= 0
 * @param adversarial the attacks
 */
public record RobustnessConfig(
    Path dataset,
    Path output,
    Path results,
    List<String> activations,
    long seed,
    int trainImages,
    int testImages,
    List<String> experiments,
    Network network,
    Training training,
    int evalBatchSize,
    List<Integer> depths,
    int evalDepth,
    List<Double> noiseStds,
    Adversarial adversarial) {

  /** The experiments, in the order they run. */
  public static final List<String> EXPERIMENTS = List.of("depth-sweep", "noise", "fgsm", "pgd");

  /** The config block this reads. */
  public static final String BLOCK = "robustness";

  public static final IntRange TRAIN_IMAGES = IntRange.of(0, 60_000);
  /** {@code test-images} and {@code adversarial.images}. */
  public static final IntRange TEST_IMAGES = IntRange.of(0, 10_000);
  /** {@code eval-batch-size} and {@code training.batch-size}. */
  public static final IntRange BATCH = IntRange.of(1, 65_536);
  /** A number of dense blocks: each of {@code depth-sweep.depths}, and {@code eval-depth}. */
  public static final IntRange DEPTH = IntRange.of(1, 200);

  public RobustnessConfig {
    activations = Checks.distinctNonEmpty(activations);
    experiments = Checks.distinctNonEmpty(experiments);
    experiments.forEach(RobustnessConfig::experiment);
    TRAIN_IMAGES.check("train-images", trainImages);
    TEST_IMAGES.check("test-images", testImages);
    BATCH.check("eval-batch-size", evalBatchSize);
    depths = Checks.distinctNonEmpty(depths);
    depths.forEach(RobustnessConfig::depth);
    depth(evalDepth);
    noiseStds = Checks.finiteNonNegative(noiseStds);
  }

  /**
   * The network.
   *
   * @param convChannels output channels of the two convolutions, each in [1, 1024]
   * @param kernel square kernel of both convolutions, [1, 7]
   * @param denseWidth units of each dense block, [1, 8192] (paper: 500)
   * @param dropout drop probability after each block, [0, 1); 0 leaves the dropout layers out
   */
  public record Network(List<Integer> convChannels, int kernel, int denseWidth, double dropout) {
    public static final IntRange CHANNELS = IntRange.of(1, 1024);
    public static final IntRange KERNEL = IntRange.of(1, 7);
    public static final IntRange DENSE_WIDTH = IntRange.of(1, 8192);
    public static final Interval DROPOUT = Interval.closedOpen(0, 1);

    public Network {
      convChannels = channels(convChannels);
      KERNEL.check("kernel", kernel);
      DENSE_WIDTH.check("dense-width", denseWidth);
      DROPOUT.check("dropout", dropout);
    }

    /** Two channel counts, each in {@link #CHANNELS}. */
    static List<Integer> channels(List<Integer> v) {
      if (v.size() != 2) {
        throw new IllegalArgumentException("must name the channels of two convolutions, e.g. [32, 64], got " + v);
      }
      v.forEach(CHANNELS::check);
      return List.copyOf(v);
    }
  }

  /**
   * Plain SGD.
   *
   * @param epochs [1, 10000]
   * @param batchSize [1, 65536]
   * @param learningRate (0, 10]
   */
  public record Training(int epochs, int batchSize, double learningRate) {
    public static final IntRange EPOCHS = IntRange.of(1, 10_000);
    public static final Interval LEARNING_RATE = Interval.openClosed(0, 10);

    public Training {
      EPOCHS.check("epochs", epochs);
      BATCH.check("batch-size", batchSize);
      LEARNING_RATE.check("learning-rate", learningRate);
    }
  }

  /**
   * FGSM and PGD.
   *
   * @param images the first this many test images are attacked, 0 = all
   * @param fgsmEpsilons each >= 0 (pixel units)
   * @param pgdEpsilons each >= 0
   * @param pgdSteps [1, 1000]
   * @param pgdStepSize step in pixel units, >= 0; 0 = 2.5 x epsilon / steps
   */
  public record Adversarial(int images, List<Double> fgsmEpsilons, List<Double> pgdEpsilons, int pgdSteps,
      double pgdStepSize) {
    public static final IntRange PGD_STEPS = IntRange.of(1, 1000);
    public static final Interval PGD_STEP_SIZE = Interval.closed(0, 1);

    public Adversarial {
      TEST_IMAGES.check("images", images);
      fgsmEpsilons = Checks.finiteNonNegative(fgsmEpsilons);
      pgdEpsilons = Checks.finiteNonNegative(pgdEpsilons);
      PGD_STEPS.check("pgd-steps", pgdSteps);
      PGD_STEP_SIZE.check("pgd-step-size", pgdStepSize);
    }

    /** The PGD step for {@code epsilon}. */
    public double stepFor(double epsilon) {
      return pgdStepSize > 0 ? pgdStepSize : 2.5 * epsilon / pgdSteps;
    }
  }

  /** Whether {@code experiment} (one of {@link #EXPERIMENTS}) runs. */
  public boolean runs(String experiment) {
    return experiments.contains(experiment);
  }

  /** Loads {@code file} with {@code overrides} ({@code key=value}, keys with their {@code robustness.} prefix). */
  public static RobustnessConfig load(Path file, List<String> overrides) {
    return load(file.toString(), overrides);
  }

  /** {@link #load(Path, List)} of a path or Hadoop URI ({@link ConfigFile}). */
  public static RobustnessConfig load(String location, List<String> overrides) {
    return fromConfig(ConfigFile.parse(location, overrides), location);
  }

  /** Validates an already parsed config; {@code origin} names it in errors. */
  public static RobustnessConfig fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(RobustnessConfig.class, "/robustness-defaults.conf");
    ConfigReader r = ConfigReader.over(user, defaults, key -> key.startsWith(BLOCK + "."),
        String.valueOf(user.origin().description()));
    Config c = r.config();
    String p = BLOCK + ".";
    Path dataset = r.get(p + "dataset", k -> dataset(c.getString(k)));
    Path output = r.get(p + "output", k -> Path.of(c.getString(k)));
    Path results = r.get(p + "results", k -> c.getIsNull(k) ? null : Path.of(c.getString(k)));
    List<String> activations = r.get(p + "activations", k -> Checks.distinctNonEmpty(
        c.getStringList(k).stream().map(ActivationRegistry::canonicalName).toList()));
    Long seed = r.get(p + "seed", c::getLong);
    Integer trainImages = r.get(p + "train-images", TRAIN_IMAGES);
    Integer testImages = r.get(p + "test-images", TEST_IMAGES);
    List<String> experiments = r.get(p + "experiments", k -> Checks.distinctNonEmpty(c.getStringList(k).stream()
        .map(RobustnessConfig::experiment).toList()));
    List<Integer> channels = r.get(p + "network.conv-channels", k -> Network.channels(c.getIntList(k)));
    Integer kernel = r.get(p + "network.kernel", Network.KERNEL);
    Integer width = r.get(p + "network.dense-width", Network.DENSE_WIDTH);
    Double dropout = r.get(p + "network.dropout", Network.DROPOUT);
    Integer epochs = r.get(p + "training.epochs", Training.EPOCHS);
    Integer batch = r.get(p + "training.batch-size", BATCH);
    Double lr = r.get(p + "training.learning-rate", Training.LEARNING_RATE);
    Integer evalBatch = r.get(p + "eval-batch-size", BATCH);
    List<Integer> depths = r.get(p + "depth-sweep.depths", k -> Checks.distinctNonEmpty(c.getIntList(k).stream()
        .map(RobustnessConfig::depth).toList()));
    Integer evalDepth = r.get(p + "eval-depth", k -> depth(c.getInt(k)));
    List<Double> stds = r.get(p + "noise.stds", k -> Checks.finiteNonNegative(c.getDoubleList(k)));
    Integer images = r.get(p + "adversarial.images", TEST_IMAGES);
    List<Double> fgsm = r.get(p + "adversarial.fgsm-epsilons", k -> Checks.finiteNonNegative(c.getDoubleList(k)));
    List<Double> pgd = r.get(p + "adversarial.pgd-epsilons", k -> Checks.finiteNonNegative(c.getDoubleList(k)));
    Integer steps = r.get(p + "adversarial.pgd-steps", Adversarial.PGD_STEPS);
    Double stepSize = r.get(p + "adversarial.pgd-step-size", Adversarial.PGD_STEP_SIZE);
    r.throwIfAny(origin);
    return new RobustnessConfig(dataset, output, results == null ? output.resolve("store") : results, activations,
        seed, trainImages, testImages, experiments, new Network(channels, kernel, width, dropout),
        new Training(epochs, batch, lr), evalBatch, depths, evalDepth, stds,
        new Adversarial(images, fgsm, pgd, steps, stepSize));
  }

  private static Path dataset(String s) {
    Path dir = Path.of(s);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Fashion-MNIST folder does not exist: " + dir);
    }
    List<String> missing = FashionMnistImporter.missingFiles(dir);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(dir + " lacks the Fashion-MNIST IDX file(s) " + String.join(", ", missing));
    }
    return dir;
  }

  private static int depth(int d) {
    if (!DEPTH.contains(d)) {
      throw new IllegalArgumentException("a depth (number of dense blocks) must be in " + DEPTH + ", got " + d);
    }
    return d;
  }

  private static String experiment(String name) {
    return Checks.oneOf(name, EXPERIMENTS, "experiment");
  }
}
