package io.mishbench.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.config.Checks;
import io.mishbench.config.ConfigFile;
import io.mishbench.config.ConfigReader;
import io.mishbench.config.ConfigValidationException;
import io.mishbench.data.AugmentSettings;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Grid;
import io.mishbench.train.ExperimentConfig.Schedule;
import io.mishbench.train.ExperimentConfig.Training;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.DoubleFunction;

/**
 * Reads an experiment file (HOCON) over the defaults in {@code mishbench-defaults.conf}, applies
 * {@code --set key=value} overrides and validates the result. Every problem is collected with its key
 * path and reported together in one {@link ConfigValidationException} ({@link ConfigReader}); keys the
 * defaults do not have are errors. The numeric rules are the records' own ({@link Training},
 * {@link Schedule}). Nothing here touches Spark or the datasets, so a bad config fails before any work.
 *
 * <p>Augmentations are named presets: the built-in ones ({@link AugmentSettings#PRESETS}) and those an
 * experiment file defines under {@code augmentation-presets}, each a base preset plus overridden keys
 * ({@link AugmentSettings#KEYS}), e.g. {@code augmentation-presets { mine { base = paper, cutmix = 0 } }}.
 * Their keys and values are validated like every other key.
 */
public final class ConfigLoader {

  /** The built-in augmentation presets ({@link AugmentSettings#PRESETS}); experiment files may define more. */
  public static final List<String> AUGMENTATIONS = AugmentSettings.PRESETS;

  /** The block of user-defined augmentation presets. */
  public static final String PRESETS_KEY = "augmentation-presets";

  private static final String PRESET_NAME = "[a-z][a-z0-9_-]{0,39}";

  private static final List<String> OPTIMIZERS = List.of("sgd", "nesterov", "adam");

  private ConfigLoader() {}

  /** Loads {@code file} with {@code overrides} ({@code key=value} strings). */
  public static ExperimentConfig load(Path file, List<String> overrides) {
    return load(file.toString(), overrides);
  }

  /** Loads {@code location} (a path or Hadoop URI, see {@link ConfigFile}) with {@code overrides}. */
  public static ExperimentConfig load(String location, List<String> overrides) {
    return fromConfig(ConfigFile.parse(location, overrides), location);
  }

  /** Validates an already parsed config; {@code origin} names it in errors. */
  public static ExperimentConfig fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(ConfigLoader.class, "/mishbench-defaults.conf");
    ConfigReader r = ConfigReader.over(user, defaults, key -> !key.startsWith(PRESETS_KEY + "."), origin);
    Config c = r.config();
    Set<String> knownAugmentations = new LinkedHashSet<>(AugmentSettings.PRESETS);
    Map<String, AugmentSettings> presets = new Presets(c, r, knownAugmentations).resolveAll();
    List<String> augmentationNames = List.copyOf(knownAugmentations);

    URI dataset = r.get("dataset", k -> HadoopFiles.resolve(r.required(k, "a path or URI")));
    URI results = r.get("results", k -> HadoopFiles.resolve(r.required(k, "a path or URI")));
    String model = r.get("model", k -> model(c.getString(k)));
    String activation = r.get("activation", k -> ActivationRegistry.canonicalName(c.getString(k)));
    String augmentation = r.get("augmentation", k -> Checks.oneOf(c.getString(k), augmentationNames, "augmentation"));
    Long seed = r.get("seed", c::getLong);
    Double width = r.get("width", ExperimentConfig.MULTIPLIER);
    Double depth = r.get("depth", ExperimentConfig.MULTIPLIER);
    Integer resolution = r.get("resolution", k -> ExperimentConfig.checkResolution(c.getInt(k)));

    Integer epochs = r.get("training.epochs", Training.EPOCHS);
    Integer workers = r.get("training.workers", Training.WORKERS);
    Integer batch = r.get("training.batch-size-per-worker", Training.BATCH);
    Integer averaging = r.get("training.averaging-frequency", Training.EVERY);
    String optimizer = r.get("training.optimizer", k -> Checks.oneOf(c.getString(k), OPTIMIZERS, "optimizer"));
    Double learningRate = r.get("training.learning-rate", Training.LEARNING_RATE);
    Double momentum = r.get("training.momentum", Training.FRACTION);
    Double weightDecay = r.get("training.weight-decay", Training.FRACTION);
    Integer evalBatch = r.get("training.eval-batch-size", Training.BATCH);
    Integer evalEvery = r.get("training.eval-every", Training.EVERY);
    Double target = r.get("training.target-top1", Training.TARGET);
    Schedule schedule = schedule(c, r, epochs, learningRate);

    List<String> models = r.get("grid.models",
        k -> Checks.distinctNonEmpty(c.getStringList(k).stream().map(ConfigLoader::model).toList()));
    List<String> activations = r.get("grid.activations",
        k -> Checks.distinctNonEmpty(c.getStringList(k).stream().map(ActivationRegistry::canonicalName).toList()));
    List<String> augmentations = r.get("grid.augmentations", k -> Checks.distinctNonEmpty(
        c.getStringList(k).stream().map(a -> Checks.oneOf(a, augmentationNames, "augmentation")).toList()));
    List<Long> seeds = r.get("grid.seeds", k -> Checks.distinctNonEmpty(c.getLongList(k)));
    List<String> rowNames = r.get("grid.rows", c::getStringList);
    List<ExperimentConfig.Row> rows = null;
    if (rowNames != null && !rowNames.isEmpty()) {
      rows = r.get("grid.rows",
          k -> Checks.distinctNonEmpty(rowNames.stream().map(s -> row(s, augmentationNames)).toList()));
    }

    r.throwIfAny(origin);
    Training training = new Training(epochs, workers, batch, averaging, optimizer, learningRate, momentum, weightDecay,
        evalBatch, schedule, evalEvery, target);
    Grid grid = rows == null
        ? new Grid(models, activations, augmentations, seeds)
        : new Grid(models, activations, augmentations, seeds, rows);
    return new ExperimentConfig(
        dataset, results, new Cell(model, activation, augmentation, seed), width, depth, training, grid, resolution,
        presets);
  }

  /** {@code training.lr-schedule}, checked against the epochs and base rate when those are valid. */
  private static Schedule schedule(Config c, ConfigReader r, Integer epochs, Double learningRate) {
    String p = "training.lr-schedule.";
    String kind = r.get(p + "kind",
        k -> Checks.oneOf(c.getString(k), LearningRateSchedule.KINDS, "learning-rate schedule"));
    Integer warmup = r.get(p + "warmup-steps", Schedule.WARMUP_STEPS);
    Double warmupPower = r.get(p + "warmup-power", Schedule.POWER);
    List<Integer> milestones = r.get(p + "milestones", k -> milestones(c.getIntList(k), epochs));
    Double gamma = r.get(p + "gamma", Schedule.GAMMA);
    Double power = r.get(p + "power", Schedule.POWER);
    Double min = r.get(p + "min", k -> {
      double v = Schedule.MIN.check(c.getDouble(k));
      if (learningRate != null && v >= learningRate) {
        throw new IllegalArgumentException("must be below training.learning-rate (" + learningRate + "), got " + v);
      }
      return v;
    });
    if (kind == null || warmup == null || warmupPower == null || milestones == null || gamma == null || power == null
        || min == null) {
      return null;
    }
    return new Schedule(kind, warmup, warmupPower, milestones, gamma, power, min);
  }

  private static List<Integer> milestones(List<Integer> epochs, Integer total) {
    for (int i = 0; i < epochs.size(); i++) {
      int e = epochs.get(i);
      if (e < 1 || (total != null && e > total)) {
        throw new IllegalArgumentException(
            "each milestone must be an epoch in [1, training.epochs = " + total + "], got " + e);
      }
      if (i > 0 && e <= epochs.get(i - 1)) {
        throw new IllegalArgumentException("milestones must increase, got " + epochs);
      }
    }
    return List.copyOf(epochs);
  }

  /** A {@code grid.rows} entry: {@code model/augmentation}. */
  private static ExperimentConfig.Row row(String s, List<String> augmentations) {
    int slash = s.indexOf('/');
    if (slash <= 0 || slash == s.length() - 1) {
      throw new IllegalArgumentException("a row is \"model/augmentation\", e.g. \"cspresnext50/paper\", got '" + s + "'");
    }
    return new ExperimentConfig.Row(
        model(s.substring(0, slash)), Checks.oneOf(s.substring(slash + 1), augmentations, "augmentation"));
  }

  private static String model(String name) {
    ModelZoo.requireKnown(name);
    return name;
  }

  /**
   * The augmentation presets: the built-in ones, then the experiment file's, each resolved from its
   * {@code base} (built-in or another of the file's, cycles refused). A preset with a problem is left
   * out of the result but stays a known name, so cells naming it do not add a second, misleading error.
   */
  private static final class Presets {
    private final Config c;
    private final ConfigReader r;
    private final Set<String> known;
    private final Map<String, Config> defined = new TreeMap<>();
    private final Map<String, AugmentSettings> resolved = new LinkedHashMap<>();
    private final Set<String> failed = new HashSet<>();

    Presets(Config c, ConfigReader r, Set<String> known) {
      this.c = c;
      this.r = r;
      this.known = known;
    }

    Map<String, AugmentSettings> resolveAll() {
      for (String name : AugmentSettings.PRESETS) {
        resolved.put(name, AugmentSettings.preset(name));
      }
      ConfigObject block = r.get(PRESETS_KEY, c::getObject);
      if (block == null) {
        return resolved;
      }
      for (String name : new TreeSet<>(block.keySet())) {
        String path = PRESETS_KEY + "." + name;
        ConfigValue v = block.get(name);
        if (AugmentSettings.PRESETS.contains(name)) {
          r.problems().add(path + ": '" + name + "' is a built-in preset; give yours another name");
        } else if (!name.matches(PRESET_NAME)) {
          r.problems().add(path + ": a preset name is a lower-case letter followed by up to 39 lower-case letters,"
              + " digits, '_' or '-'");
        } else if (v.valueType() != ConfigValueType.OBJECT) {
          r.problems().add(path + ": must be an object of preset keys, got " + v.valueType().name().toLowerCase(Locale.ROOT));
        } else {
          defined.put(name, ((ConfigObject) v).toConfig());
          known.add(name);
        }
      }
      for (String name : defined.keySet()) {
        resolve(name, new ArrayList<>());
      }
      return resolved;
    }

    /** The settings of {@code name}, or null when it (or a base) has a problem, which is then recorded. */
    private AugmentSettings resolve(String name, List<String> chain) {
      if (resolved.containsKey(name)) {
        return resolved.get(name);
      }
      if (failed.contains(name)) {
        return null;
      }
      String path = PRESETS_KEY + "." + name;
      if (chain.contains(name)) {
        List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(name), chain.size()));
        cycle.add(name);
        r.problems().add(PRESETS_KEY + "." + chain.get(chain.size() - 1) + ".base: presets form a cycle: "
            + String.join(" -> ", cycle));
        failed.addAll(cycle);
        return null;
      }
      Config p = defined.get(name);
      int before = r.problems().size();
      for (String key : p.root().keySet()) {
        if (!key.equals("base") && !AugmentSettings.KEYS.contains(key)) {
          r.problems().add(path + "." + key + ": unknown key; known: base, " + String.join(", ", AugmentSettings.KEYS));
        }
      }
      String base = p.hasPath("base")
          ? r.get(path + ".base", k -> Checks.oneOf(c.getString(k), List.copyOf(known), "augmentation"))
          : "none";
      List<String> next = new ArrayList<>(chain);
      next.add(name);
      AugmentSettings baseSettings = base == null ? null : resolve(base, next);
      if (failed.contains(name)) { // on a cycle, reported below us
        return null;
      }
      // a base with problems of its own is stood in for by none, whose zero probabilities and neutral
      // values cannot make this preset's own values look wrong
      AugmentSettings.Builder b = (baseSettings == null ? AugmentSettings.NONE : baseSettings).toBuilder();
      readKeys(path, p, b);
      Set<String> reported = new HashSet<>();
      for (String problem : r.problems().subList(before, r.problems().size())) {
        reported.add(problem.substring(0, problem.indexOf(':')));
      }
      for (String problem : b.problems()) {
        String key = path + "." + problem.substring(0, problem.indexOf(':'));
        if (!reported.contains(key)) {
          r.problems().add(path + "." + problem);
        }
      }
      if (baseSettings == null || r.problems().size() > before) {
        failed.add(name);
        return null;
      }
      AugmentSettings s = b.build();
      resolved.put(name, s);
      return s;
    }

    private void readKeys(String path, Config p, AugmentSettings.Builder b) {
      String k = path + ".";
      if (p.hasPath("random-resized-crop")) {
        r.get(k + "random-resized-crop", key -> b.randomResizedCrop(c.getBoolean(key)));
      }
      if (p.hasPath("crop-scale")) {
        r.get(k + "crop-scale", key -> pair(key, b::cropScale));
      }
      if (p.hasPath("crop-aspect")) {
        r.get(k + "crop-aspect", key -> pair(key, b::cropAspect));
      }
      number(p, k, "flip", b::flip);
      number(p, k, "hue", b::hue);
      number(p, k, "saturation", b::saturation);
      number(p, k, "exposure", b::exposure);
      number(p, k, "cutmix", b::cutmix);
      number(p, k, "cutmix-alpha", b::cutmixAlpha);
      number(p, k, "mixup", b::mixup);
      number(p, k, "mixup-alpha", b::mixupAlpha);
      number(p, k, "mosaic", b::mosaic);
      number(p, k, "label-smoothing", b::labelSmoothing);
    }

    private void number(Config p, String prefix, String key, DoubleFunction<?> set) {
      if (p.hasPath(key)) {
        r.get(prefix + key, k -> set.apply(c.getDouble(k)));
      }
    }

    private Object pair(String key, BiFunction<Double, Double, ?> set) {
      List<Double> v = c.getDoubleList(key);
      if (v.size() != 2) {
        throw new IllegalArgumentException("must be [min, max], got " + v);
      }
      return set.apply(v.get(0), v.get(1));
    }
  }
}
