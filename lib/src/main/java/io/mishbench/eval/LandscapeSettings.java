package io.mishbench.eval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ConfigValidationException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

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
      int csvStride) {}

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
      double momentum, double weightDecay) {}

  /** Loads the landscape block of {@code file} with {@code key=value} overrides. */
  public static LandscapeSettings load(Path file, List<String> overrides) {
    return load(file.toString(), overrides);
  }

  /** {@link #load(Path, List)} of a path or Hadoop URI ({@link io.mishbench.train.ConfigFile}). */
  public static LandscapeSettings load(String location, List<String> overrides) {
    return fromConfig(ConfigLoader.parse(location, overrides), location);
  }

  /** Validates the landscape block of an already parsed config; {@code origin} names it in errors. */
  public static LandscapeSettings fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(LandscapeSettings.class, "/mishbench-defaults.conf")
        .withOnlyPath(BLOCK);
    List<String> problems = new ArrayList<>();
    Config mine = user.hasPathOrNull(BLOCK) ? user.withOnlyPath(BLOCK) : ConfigFactory.empty();
    for (var e : mine.entrySet()) {
      if (!defaults.hasPathOrNull(e.getKey())) {
        problems.add(e.getKey() + ": unknown key");
      }
    }
    Config c = io.mishbench.train.ConfigLoader.resolve(mine.withFallback(defaults), String.valueOf(mine.origin().description()));
    R r = new R(c, problems);
    String p = BLOCK + ".";
    List<String> activations = r.get(p + "activations", k -> distinct(c.getStringList(k).stream()
        .map(ActivationRegistry::canonicalName).toList()));
    Long seed = r.get(p + "seed", c::getLong);
    Path output = r.get(p + "output", k -> Path.of(r.string(k)));

    String o = p + "output-landscape.";
    Boolean oEnabled = r.get(o + "enabled", c::getBoolean);
    Integer oRes = r.get(o + "resolution", k -> r.intRange(c.getInt(k), 2, 4000));
    Double oMin = r.get(o + "min", c::getDouble);
    Double oMax = r.get(o + "max", k -> above(c.getDouble(k), oMin, o + "min"));
    List<Integer> hidden = r.get(o + "hidden", k -> {
      List<Integer> h = c.getIntList(k);
      if (h.isEmpty()) {
        throw new IllegalArgumentException("must name at least one hidden layer width");
      }
      h.forEach(w -> r.intRange(w, 1, 4096));
      return List.copyOf(h);
    });
    Boolean outputActivation = r.get(o + "output-activation", c::getBoolean);
    Integer stride = r.get(o + "csv-stride", k -> r.intRange(c.getInt(k), 1, oRes == null ? 4000 : oRes));

    String l = p + "loss-landscape.";
    Boolean lEnabled = r.get(l + "enabled", c::getBoolean);
    List<URI> checkpoints = r.get(l + "checkpoints", k -> c.getStringList(k).stream().map(HadoopFiles::resolve).toList());
    List<String> runs = r.get(l + "runs", k -> distinct(c.getStringList(k)));
    URI results = r.get(l + "results", k -> c.getIsNull(k) ? null : HadoopFiles.resolve(c.getString(k)));
    Path data = r.get(l + "data", k -> Path.of(r.string(k)));
    Integer evalExamples = r.get(l + "eval-examples", k -> r.intRange(c.getInt(k), 1, 10_000));
    List<Double> range = r.get(l + "range", k -> {
      List<Double> v = c.getDoubleList(k);
      if (v.size() != 2) {
        throw new IllegalArgumentException("must be [min, max], got " + v);
      }
      if (!(v.get(0) < v.get(1)) || !Double.isFinite(v.get(1) - v.get(0))) {
        throw new IllegalArgumentException("min must be below max, got [" + v.get(0) + ", " + v.get(1) + "]");
      }
      return v;
    });
    Integer lRes = r.get(l + "resolution", k -> r.intRange(c.getInt(k), 2, 1001));

    String t = l + "train.";
    String model = r.get(t + "model", k -> {
      String m = c.getString(k);
      if (!m.equals(LandscapeTraining.CNN) && !ModelZoo.NAMES.contains(m)) {
        throw new IllegalArgumentException("unknown model '" + m + "'; known: " + LandscapeTraining.CNN + ", "
            + String.join(", ", ModelZoo.NAMES));
      }
      return m;
    });
    Double width = r.get(t + "width", k -> r.range(c.getDouble(k), 0, false, 16, false));
    Double depth = r.get(t + "depth", k -> r.range(c.getDouble(k), 0, false, 16, false));
    Integer examples = r.get(t + "examples", k -> r.intRange(c.getInt(k), 1, 60_000));
    Integer epochs = r.get(t + "epochs", k -> r.intRange(c.getInt(k), 1, 1000));
    Integer batch = r.get(t + "batch-size", k -> r.intRange(c.getInt(k), 1, 4096));
    Double lr = r.get(t + "learning-rate", k -> r.range(c.getDouble(k), 0, false, 10, false));
    Double momentum = r.get(t + "momentum", k -> r.range(c.getDouble(k), 0, true, 1, true));
    Double wd = r.get(t + "weight-decay", k -> r.range(c.getDouble(k), 0, true, 1, true));

    if (!problems.isEmpty()) {
      throw new ConfigValidationException(origin, problems);
    }
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

  private static double above(double v, Double min, String minKey) {
    if (min != null && !(v > min)) {
      throw new IllegalArgumentException("must be above " + minKey + " (" + min + "), got " + v);
    }
    return v;
  }

  private static <T> List<T> distinct(List<T> list) {
    if (list.stream().distinct().count() != list.size()) {
      throw new IllegalArgumentException("has duplicates: " + list);
    }
    return List.copyOf(list);
  }

  /** Reads keys, turning each failure into a problem line. */
  private record R(Config c, List<String> problems) {

    <T> T get(String key, Function<String, T> read) {
      return ConfigLoader.readOrReport(key, read, problems);
    }

    String string(String key) {
      if (c.getIsNull(key) || c.getString(key).isBlank()) {
        throw new IllegalArgumentException("required (a path)");
      }
      return c.getString(key);
    }

    int intRange(int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be in [" + min + ", " + max + "], got " + v);
      }
      return v;
    }

    double range(double v, double min, boolean minIn, double max, boolean maxOpen) {
      boolean ok = (minIn ? v >= min : v > min) && (maxOpen ? v < max : v <= max);
      if (!ok) {
        throw new IllegalArgumentException("must be in " + (minIn ? "[" : "(") + min + ", " + max + (maxOpen ? ")" : "]")
            + ", got " + v);
      }
      return v;
    }
  }
}
