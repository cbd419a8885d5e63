package io.mishbench.eval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.data.FashionMnistImporter;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ConfigValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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

  public RobustnessConfig {
    activations = List.copyOf(activations);
    experiments = List.copyOf(experiments);
    depths = List.copyOf(depths);
    noiseStds = List.copyOf(noiseStds);
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
    public Network {
      convChannels = List.copyOf(convChannels);
      if (convChannels.size() != 2) {
        throw new IllegalArgumentException("conv-channels must name two convolutions, got " + convChannels);
      }
    }
  }

  /**
   * Plain SGD.
   *
   * @param epochs [1, 10000]
   * @param batchSize [1, 65536]
   * @param learningRate (0, 10]
   */
  public record Training(int epochs, int batchSize, double learningRate) {}

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
    public Adversarial {
      fgsmEpsilons = List.copyOf(fgsmEpsilons);
      pgdEpsilons = List.copyOf(pgdEpsilons);
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

  /** {@link #load(Path, List)} of a path or Hadoop URI ({@link io.mishbench.train.ConfigFile}). */
  public static RobustnessConfig load(String location, List<String> overrides) {
    return fromConfig(ConfigLoader.parse(location, overrides), location);
  }

  /** Validates an already parsed config; {@code origin} names it in errors. */
  public static RobustnessConfig fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(RobustnessConfig.class, "/robustness-defaults.conf");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      if (e.getKey().startsWith(BLOCK + ".") && !defaults.hasPathOrNull(e.getKey())) {
        problems.add(e.getKey() + ": unknown key");
      }
    }
    Config c = io.mishbench.train.ConfigLoader.resolve(user.withFallback(defaults), String.valueOf(user.origin().description()));
    Reader r = new Reader(c, problems);
    String p = BLOCK + ".";
    Path dataset = r.get(p + "dataset", k -> dataset(c.getString(k)));
    Path output = r.get(p + "output", k -> Path.of(c.getString(k)));
    Path results = r.get(p + "results", k -> c.getIsNull(k) ? null : Path.of(c.getString(k)));
    List<String> activations = r.get(p + "activations", k -> distinct(nonEmpty(
        c.getStringList(k).stream().map(ActivationRegistry::canonicalName).toList())));
    Long seed = r.get(p + "seed", c::getLong);
    Integer trainImages = r.get(p + "train-images", k -> intRange(c.getInt(k), 0, 60_000));
    Integer testImages = r.get(p + "test-images", k -> intRange(c.getInt(k), 0, 10_000));
    List<String> experiments = r.get(p + "experiments", k -> distinct(nonEmpty(c.getStringList(k).stream()
        .map(RobustnessConfig::experiment).toList())));
    List<Integer> channels = r.get(p + "network.conv-channels", k -> {
      List<Integer> v = c.getIntList(k);
      if (v.size() != 2) {
        throw new IllegalArgumentException("must name the channels of two convolutions, e.g. [32, 64], got " + v);
      }
      v.forEach(ch -> intRange(ch, 1, 1024));
      return v;
    });
    Integer kernel = r.get(p + "network.kernel", k -> intRange(c.getInt(k), 1, 7));
    Integer width = r.get(p + "network.dense-width", k -> intRange(c.getInt(k), 1, 8192));
    Double dropout = r.get(p + "network.dropout", k -> range(c.getDouble(k), 0, true, 1, false));
    Integer epochs = r.get(p + "training.epochs", k -> intRange(c.getInt(k), 1, 10_000));
    Integer batch = r.get(p + "training.batch-size", k -> intRange(c.getInt(k), 1, 65_536));
    Double lr = r.get(p + "training.learning-rate", k -> range(c.getDouble(k), 0, false, 10, true));
    Integer evalBatch = r.get(p + "eval-batch-size", k -> intRange(c.getInt(k), 1, 65_536));
    List<Integer> depths = r.get(p + "depth-sweep.depths", k -> distinct(nonEmpty(c.getIntList(k).stream()
        .map(RobustnessConfig::depth).toList())));
    Integer evalDepth = r.get(p + "eval-depth", k -> depth(c.getInt(k)));
    List<Double> stds = r.get(p + "noise.stds", k -> nonNegative(c.getDoubleList(k)));
    Integer images = r.get(p + "adversarial.images", k -> intRange(c.getInt(k), 0, 10_000));
    List<Double> fgsm = r.get(p + "adversarial.fgsm-epsilons", k -> nonNegative(c.getDoubleList(k)));
    List<Double> pgd = r.get(p + "adversarial.pgd-epsilons", k -> nonNegative(c.getDoubleList(k)));
    Integer steps = r.get(p + "adversarial.pgd-steps", k -> intRange(c.getInt(k), 1, 1000));
    Double stepSize = r.get(p + "adversarial.pgd-step-size", k -> range(c.getDouble(k), 0, true, 1, true));
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(origin, problems);
    }
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

  private static String experiment(String name) {
    if (!EXPERIMENTS.contains(name)) {
      throw new IllegalArgumentException("unknown experiment '" + name + "'; known: " + String.join(", ", EXPERIMENTS));
    }
    return name;
  }

  private static int depth(int d) {
    if (d < 1 || d > 200) {
      throw new IllegalArgumentException("a depth (number of dense blocks) must be in [1, 200], got " + d);
    }
    return d;
  }

  private static List<Double> nonNegative(List<Double> values) {
    nonEmpty(values);
    for (double v : values) {
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("every value must be finite and >= 0, got " + v + " in " + values);
      }
    }
    return List.copyOf(values);
  }

  private static <T> List<T> nonEmpty(List<T> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return list;
  }

  private static <T> List<T> distinct(List<T> list) {
    if (list.stream().distinct().count() != list.size()) {
      throw new IllegalArgumentException("has duplicates: " + list);
    }
    return List.copyOf(list);
  }

  private static int intRange(int v, int min, int max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException("must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  private static double range(double v, double min, boolean minIn, double max, boolean maxIn) {
    boolean ok = (minIn ? v >= min : v > min) && (maxIn ? v <= max : v < max);
    if (!ok) {
      throw new IllegalArgumentException("must be in " + (minIn ? "[" : "(") + min + ", " + max + (maxIn ? "]" : ")")
          + ", got " + v);
    }
    return v;
  }

  /** Reads keys, turning each failure into a problem line and a null value. */
  private record Reader(Config c, List<String> problems) {
    <T> T get(String key, Function<String, T> read) {
      return ConfigLoader.readOrReport(key, read, problems);
    }
  }
}
