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
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelZoo;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code landscape { ... }} block of a config file, over the defaults in
 * {@code mishbench-defaults.conf}. Other top-level blocks of the file (e.g. {@code robustness}) are
 * ignored; an unknown key inside {@code landscape} is an error, and every problem is reported at once
 * with its key path ({@link ConfigValidationException}). Nothing here reads models or data.
 *
 * @param activations canonical activation names, at least one, no duplicates
 * @param seed seed of the random MLP, of the directions and of the trained networks
 * @param output folder the files go to
 * @param outputLandscape the random MLP's output landscape
 * @param loss the loss landscape
 */
public record LandscapeSettings(
    List<String> activations, long seed, Path output, Output outputLandscape, Loss loss) {

  public static final String BLOCK = "landscape";

  public LandscapeSettings {
    activations = Checks.distinctNonEmpty(activations);
  }

  /**
   * @param enabled whether to draw it
   * @param resolution grid points per side, 2..4000
   * @param min first grid value of both axes
   * @param max last grid value of both axes, above {@code min}
   * @param hidden hidden layer widths, each 1..4096, at least one
   * @param outputActivation whether the output unit has the activation too
   * @param csvStride the CSV keeps every csvStride-th point along each axis, 1..resolution
   */
  public record Output(
      boolean enabled, int resolution, double min, double max, List<Integer> hidden, boolean outputActivation,
      int csvStride) {
    public static final IntRange RESOLUTION = IntRange.of(2, 4000);
    public static final IntRange HIDDEN = IntRange.of(1, 4096);

    public Output {
      RESOLUTION.check("resolution", resolution);
      above(max, min, "min");
      hidden = hidden(hidden);
      IntRange.of(1, resolution).check("csv-stride", csvStride);
    }

    static List<Integer> hidden(List<Integer> h) {
      if (h.isEmpty()) {
        throw new IllegalArgumentException("must name at least one hidden layer width");
      }
      h.forEach(HIDDEN::check);
      return List.copyOf(h);
    }
  }

  /**
   * @param enabled whether to compute it
   * @param checkpoints model zips (DL4J ModelSerializer) to look around
   * @param runs run ids of COMPLETE runs in {@code results}
   * @param results results store root, null for {@code <output>/results} ({@link LandscapeSettings#results})
   * @param data folder of the Fashion-MNIST IDX files
   * @param evalExamples size of the fixed evaluation set, 1..10000
   * @param min first value of a and b
   * @param max last value of a and b, above {@code min}
   * @param resolution grid points per axis, 2..1001
   * @param train the networks trained when neither checkpoints nor runs are named
   */
  public record Loss(
      boolean enabled, List<URI> checkpoints, List<String> runs, URI results, Path data, int evalExamples, double min,
      double max, int resolution, Train train) {

    public static final IntRange EVAL_EXAMPLES = IntRange.of(1, 10_000);
    public static final IntRange RESOLUTION = IntRange.of(2, 1001);

    public Loss {
      checkpoints = List.copyOf(checkpoints);
      runs = Checks.distinct(runs);
      EVAL_EXAMPLES.check("eval-examples", evalExamples);
      range(List.of(min, max));
      RESOLUTION.check("resolution", resolution);
    }

    /** {@code [min, max]} with min below max, both finite apart. */
    static List<Double> range(List<Double> v) {
      if (v.size() != 2) {
        throw new IllegalArgumentException("must be [min, max], got " + v);
      }
      if (!(v.get(0) < v.get(1)) || !Double.isFinite(v.get(1) - v.get(0))) {
        throw new IllegalArgumentException("min must be below max, got [" + v.get(0) + ", " + v.get(1) + "]");
      }
      return v;
    }

    /** Whether the landscapes are around networks this command trains (no checkpoint, no run named). */
    public boolean trainsOwn() {
      return checkpoints.isEmpty() && runs.isEmpty();
    }
  }

  /**
   * @param model {@link LandscapeTraining#CNN} or a zoo model name
   * @param width channel multiplier, (0, 16]
   * @param depth block multiplier, (0, 16]
   * @param examples training images (the first of Fashion-MNIST's training set), 1..60000
   * @param epochs 1..1000
   * @param batchSize 1..4096
   * @param learningRate momentum SGD rate, (0, 10]
   * @param momentum [0, 1)
   * @param weightDecay [0, 1)
   */
  public record Train(
      String model, double width, double depth, int examples, int epochs, int batchSize, double learningRate,
      double momentum, double weightDecay) {
    public static final Interval MULTIPLIER = Interval.openClosed(0, 16);
    public static final IntRange EXAMPLES = IntRange.of(1, 60_000);
    public static final IntRange EPOCHS = IntRange.of(1, 1000);
    public static final IntRange BATCH = IntRange.of(1, 4096);
    public static final Interval LEARNING_RATE = Interval.openClosed(0, 10);
    /** {@code momentum} and {@code weight-decay}. */
    public static final Interval FRACTION = Interval.closedOpen(0, 1);

    public Train {
      model(model);
      MULTIPLIER.check("width", width);
      MULTIPLIER.check("depth", depth);
      EXAMPLES.check("examples", examples);
      EPOCHS.check("epochs", epochs);
      BATCH.check("batch-size", batchSize);
      LEARNING_RATE.check("learning-rate", learningRate);
      FRACTION.check("momentum", momentum);
      FRACTION.check("weight-decay", weightDecay);
    }

    static String model(String m) {
      if (!m.equals(LandscapeTraining.CNN) && !ModelZoo.NAMES.contains(m)) {
        throw new IllegalArgumentException("unknown model '" + m + "'; known: " + LandscapeTraining.CNN + ", "
            + String.join(", ", ModelZoo.NAMES));
      }
      return m;
    }
  }

  /** Loads the landscape block of {@code file} with {@code key=value} overrides. */
  public static LandscapeSettings load(Path file, List<String> overrides) {
    return load(file.toString(), overrides);
  }

  /** {@link #load(Path, List)} of a path or Hadoop URI ({@link ConfigFile}). */
  public static LandscapeSettings load(String location, List<String> overrides) {
    return fromConfig(ConfigFile.parse(location, overrides), location);
  }

  /** Validates the landscape block of an already parsed config; {@code origin} names it in errors. */
  public static LandscapeSettings fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(LandscapeSettings.class, "/mishbench-defaults.conf")
        .withOnlyPath(BLOCK);
    Config mine = user.hasPathOrNull(BLOCK) ? user.withOnlyPath(BLOCK) : ConfigFactory.empty();
    ConfigReader r = ConfigReader.over(mine, defaults, key -> true, String.valueOf(mine.origin().description()));
    Config c = r.config();
    String p = BLOCK + ".";
    List<String> activations = r.get(p + "activations", k -> Checks.distinctNonEmpty(c.getStringList(k).stream()
        .map(ActivationRegistry::canonicalName).toList()));
    Long seed = r.get(p + "seed", c::getLong);
    Path output = r.get(p + "output", k -> Path.of(r.required(k, "a path")));

    String o = p + "output-landscape.";
    Boolean oEnabled = r.get(o + "enabled", c::getBoolean);
    Integer oRes = r.get(o + "resolution", Output.RESOLUTION);
    Double oMin = r.get(o + "min", c::getDouble);
    Double oMax = r.get(o + "max", k -> above(c.getDouble(k), oMin, o + "min"));
    List<Integer> hidden = r.get(o + "hidden", k -> Output.hidden(c.getIntList(k)));
    Boolean outputActivation = r.get(o + "output-activation", c::getBoolean);
    Integer stride = r.get(o + "csv-stride", IntRange.of(1, oRes == null ? Output.RESOLUTION.max() : oRes));

    String l = p + "loss-landscape.";
    Boolean lEnabled = r.get(l + "enabled", c::getBoolean);
    List<URI> checkpoints = r.get(l + "checkpoints", k -> c.getStringList(k).stream().map(HadoopFiles::resolve).toList());
    List<String> runs = r.get(l + "runs", k -> Checks.distinct(c.getStringList(k)));
    URI results = r.get(l + "results", k -> c.getIsNull(k) ? null : HadoopFiles.resolve(c.getString(k)));
    Path data = r.get(l + "data", k -> Path.of(r.required(k, "a path")));
    Integer evalExamples = r.get(l + "eval-examples", Loss.EVAL_EXAMPLES);
    List<Double> range = r.get(l + "range", k -> Loss.range(c.getDoubleList(k)));
    Integer lRes = r.get(l + "resolution", Loss.RESOLUTION);

    String t = l + "train.";
    String model = r.get(t + "model", k -> Train.model(c.getString(k)));
    Double width = r.get(t + "width", Train.MULTIPLIER);
    Double depth = r.get(t + "depth", Train.MULTIPLIER);
    Integer examples = r.get(t + "examples", Train.EXAMPLES);
    Integer epochs = r.get(t + "epochs", Train.EPOCHS);
    Integer batch = r.get(t + "batch-size", Train.BATCH);
    Double lr = r.get(t + "learning-rate", Train.LEARNING_RATE);
    Double momentum = r.get(t + "momentum", Train.FRACTION);
    Double wd = r.get(t + "weight-decay", Train.FRACTION);

    r.throwIfAny(origin);
    return new LandscapeSettings(activations, seed, output,
        new Output(oEnabled, oRes, oMin, oMax, hidden, outputActivation, stride),
        new Loss(lEnabled, checkpoints, runs, results, data, evalExamples, range.get(0), range.get(1), lRes,
            new Train(model, width, depth, examples, epochs, batch, lr, momentum, wd)));
  }

  /** The results store root: {@code loss-landscape.results}, or {@code <output>/results} when that is null. */
  public URI results() {
    return loss.results() != null ? loss.results() : output.resolve("results").toAbsolutePath().toUri();
  }

  /** The same settings writing to {@code folder} (the command's --output). */
  public LandscapeSettings withOutput(Path folder) {
    return new LandscapeSettings(activations, seed, folder, outputLandscape, loss);
  }

  /** {@code v} when it is above {@code min} (or {@code min} is unknown). */
  private static double above(double v, Double min, String minKey) {
    if (min != null && !(v > min)) {
      throw new IllegalArgumentException("must be above " + minKey + " (" + min + "), got " + v);
    }
    return v;
  }
}
