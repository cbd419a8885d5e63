package io.mishbench.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigParseable;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.data.AugmentSettings;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Grid;
import io.mishbench.train.ExperimentConfig.Training;
import java.net.URI;
import java.nio.file.Files;
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
import java.util.function.Function;

/**
 * Reads an experiment file (HOCON) over the defaults in {@code mishbench-defaults.conf}, applies
 * {@code --set key=value} overrides and validates the result. Every problem is collected with its key
 * path and reported together in one {@link ConfigValidationException}; keys the defaults do not have
 * are errors. Nothing here touches Spark or the datasets, so a bad config fails before any work.
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
    return fromConfig(parse(file, overrides), file.toString());
  }

  /**
   * The HOCON of {@code file} with {@code overrides} applied, not yet validated: what every command's
   * config loader (this one, the robustness and landscape ones) starts from.
   *
   * @throws IllegalArgumentException when the file is missing or not HOCON, an include is missing, a
   *     substitution resolves to nothing ({@link #resolve}), or an override is malformed
   */
  public static Config parse(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file not found: " + file);
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new RequiredIncludes()));
    } catch (ConfigException | IllegalArgumentException e) { // the includer's: a missing include
      throw new IllegalArgumentException("cannot parse config " + file + ": " + e.getMessage(), e);
    }
    Config applied = applyOverrides(user, overrides);
    // every substitution must resolve, also in blocks this command does not read: a ${NOPE} is a mistake
    resolve(applied.withFallback(ConfigFactory.parseResources(ConfigLoader.class, "/mishbench-defaults.conf")),
        file.toString());
    return applied;
  }

  /**
   * Resolves the substitutions of {@code merged} (other keys, environment variables).
   *
   * @throws IllegalArgumentException naming every key whose {@code ${...}} resolves to nothing (no such
   *     key and no such environment variable), with where it is written
   */
  public static Config resolve(Config merged, String origin) {
    try {
      return merged.resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      Config partial = merged.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
      List<String> problems = new ArrayList<>();
      unresolved(partial.root(), "", problems);
      if (problems.isEmpty()) {
        problems.add(e.getMessage());
      }
      throw new IllegalArgumentException("config " + origin + ": " + String.join("; ", problems), e);
    }
  }

  private static void unresolved(ConfigObject obj, String prefix, List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String key = prefix + ConfigUtil.quoteString(e.getKey()).replaceAll("^\"([A-Za-z0-9_-]+)\"$", "$1");
      ConfigValue v = e.getValue();
      try {
        if (v instanceof ConfigObject child) {
          unresolved(child, key + ".", problems);
        } else {
          v.valueType();
          if (v instanceof com.typesafe.config.ConfigList list) {
            list.forEach(ConfigValue::valueType);
          }
        }
      } catch (ConfigException.NotResolved nr) {
        java.util.Set<String> refs = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{\\??[^}]+}").matcher(v.render());
        while (m.find()) {
          refs.add(m.group());
        }
        String where = v.origin() == null || v.origin().description().startsWith("merge of") ? ""
            : "; " + v.origin().description();
        problems.add(key + ": " + (refs.isEmpty() ? v.render() : String.join(", ", refs)) + " is not set (no such"
            + " key, and no such environment variable" + where + ")");
      }
    }
  }

  /**
   * Includes that must exist: HOCON skips a missing {@code include "x.conf"} silently, which would run
   * an experiment without the settings the user meant to include.
   */
  private static final class RequiredIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL,
      ConfigIncluderClasspath {

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      ConfigParseable p = context.relativeTo(what);
      if (p == null) {
        throw new IllegalArgumentException("include \"" + what + "\": not found");
      }
      return p.parse(context.parseOptions().setAllowMissing(false));
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, java.io.File what) {
      return ConfigFactory.parseFile(what, context.parseOptions().setAllowMissing(false)).root();
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, java.net.URL what) {
      return ConfigFactory.parseURL(what, context.parseOptions().setAllowMissing(false)).root();
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      return ConfigFactory.parseResources(what, context.parseOptions().setAllowMissing(false)).root();
    }
  }

  /** Validates an already parsed config; {@code origin} names it in errors. */
  public static ExperimentConfig fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(ConfigLoader.class, "/mishbench-defaults.conf");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      if (!defaults.hasPathOrNull(e.getKey()) && !e.getKey().startsWith(PRESETS_KEY + ".")) {
        problems.add(e.getKey() + ": unknown key");
      }
    }
    Config c = resolve(user.withFallback(defaults), origin);
    Reader r = new Reader(c, problems);
    Set<String> knownAugmentations = new LinkedHashSet<>(AugmentSettings.PRESETS);
    Map<String, AugmentSettings> presets = new Presets(c, r, knownAugmentations).resolveAll();
    List<String> augmentationNames = List.copyOf(knownAugmentations);

    URI dataset = r.get("dataset", k -> HadoopFiles.resolve(r.requiredString(k)));
    URI results = r.get("results", k -> HadoopFiles.resolve(r.requiredString(k)));
    String model = r.get("model", k -> model(c.getString(k)));
    String activation = r.get("activation", k -> ActivationRegistry.canonicalName(c.getString(k)));
    String augmentation = r.get("augmentation", k -> oneOf(c.getString(k), augmentationNames, "augmentation"));
    Long seed = r.get("seed", c::getLong);
    Double width = r.get("width", k -> r.range(c.getDouble(k), 0, false, 16));
    Double depth = r.get("depth", k -> r.range(c.getDouble(k), 0, false, 16));
    Integer resolution = r.get("resolution", k -> resolution(c.getInt(k)));

    Integer epochs = r.get("training.epochs", k -> r.intRange(c.getInt(k), 1, 10_000));
    Integer workers = r.get("training.workers", k -> r.intRange(c.getInt(k), 1, 4096));
    Integer batch = r.get("training.batch-size-per-worker", k -> r.intRange(c.getInt(k), 1, 65_536));
    Integer averaging = r.get("training.averaging-frequency", k -> r.intRange(c.getInt(k), 1, 10_000));
    String optimizer = r.get("training.optimizer", k -> oneOf(c.getString(k), OPTIMIZERS, "optimizer"));
    Double learningRate = r.get("training.learning-rate", k -> r.range(c.getDouble(k), 0, false, 10));
    Double momentum = r.get("training.momentum", k -> r.range(c.getDouble(k), 0, true, 0.999999));
    Double weightDecay = r.get("training.weight-decay", k -> r.range(c.getDouble(k), 0, true, 0.999999));
    Integer evalBatch = r.get("training.eval-batch-size", k -> r.intRange(c.getInt(k), 1, 65_536));
    Integer evalEvery = r.get("training.eval-every", k -> r.intRange(c.getInt(k), 1, 10_000));
    Double target = r.get("training.target-top1", k -> r.range(c.getDouble(k), 0, true, 1));
    ExperimentConfig.Schedule schedule = schedule(c, r, epochs, learningRate);

    List<String> models = r.get("grid.models", k -> nonEmpty(c.getStringList(k).stream().map(ConfigLoader::model).toList()));
    List<String> activations = r.get("grid.activations",
        k -> nonEmpty(c.getStringList(k).stream().map(ActivationRegistry::canonicalName).distinct().toList()));
    List<String> augmentations = r.get("grid.augmentations",
        k -> nonEmpty(c.getStringList(k).stream().map(a -> oneOf(a, augmentationNames, "augmentation")).toList()));
    List<Long> seeds = r.get("grid.seeds", k -> nonEmpty(c.getLongList(k)));
    List<String> rowNames = r.get("grid.rows", c::getStringList);
    List<ExperimentConfig.Row> rows = null;
    if (rowNames != null && !rowNames.isEmpty()) {
      rows = r.get("grid.rows", k -> nonEmpty(rowNames.stream().map(s -> row(s, augmentationNames)).toList()));
    }

    if (!problems.isEmpty()) {
      throw new ConfigValidationException(origin, problems);
    }
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
  private static ExperimentConfig.Schedule schedule(Config c, Reader r, Integer epochs, Double learningRate) {
    String p = "training.lr-schedule.";
    String kind = r.get(p + "kind", k -> oneOf(c.getString(k), LearningRateSchedule.KINDS, "learning-rate schedule"));
    Long warmup = r.get(p + "warmup-steps", k -> (long) r.intRange(c.getInt(k), 0, 100_000_000));
    Double warmupPower = r.get(p + "warmup-power", k -> r.range(c.getDouble(k), 0, false, 10));
    List<Integer> milestones = r.get(p + "milestones", k -> milestones(c.getIntList(k), epochs));
    Double gamma = r.get(p + "gamma", k -> r.range(c.getDouble(k), 0, false, 1));
    Double power = r.get(p + "power", k -> r.range(c.getDouble(k), 0, false, 10));
    Double min = r.get(p + "min", k -> {
      double v = r.range(c.getDouble(k), 0, true, 10);
      if (learningRate != null && v >= learningRate) {
        throw new IllegalArgumentException("must be below training.learning-rate (" + learningRate + "), got " + v);
      }
      return v;
    });
    if (kind == null || warmup == null || warmupPower == null || milestones == null || gamma == null || power == null
        || min == null) {
      return null;
    }
    return new ExperimentConfig.Schedule(kind, warmup, warmupPower, milestones, gamma, power, min);
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
    return new ExperimentConfig.Row(model(s.substring(0, slash)), oneOf(s.substring(slash + 1), augmentations, "augmentation"));
  }

  private static int resolution(int v) {
    if (v != 0 && (v < 8 || v > 1024)) {
      throw new IllegalArgumentException("must be 0 (the prepared dataset's image size) or in [8, 1024], got " + v);
    }
    return v;
  }

  /** Applies {@code key=value} overrides; a value starting with '[' or '{' is parsed as HOCON. */
  public static Config applyOverrides(Config user, List<String> overrides) {
    Config c = user;
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set expects key=value, got '" + o + "'");
      }
      String key = o.substring(0, eq).trim();
      String value = o.substring(eq + 1).trim();
      try {
        if (value.startsWith("[") || value.startsWith("{")) {
          c = ConfigFactory.parseString(key + " = " + value).withFallback(c);
        } else {
          c = c.withValue(key, ConfigValueFactory.fromAnyRef(value));
        }
      } catch (ConfigException e) {
        throw new IllegalArgumentException("--set " + o + ": " + e.getMessage(), e);
      }
    }
    return c;
  }

  private static String model(String name) {
    ModelZoo.requireKnown(name);
    return name;
  }

  private static String oneOf(String value, List<String> allowed, String what) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException("unknown " + what + " '" + value + "'; known: " + String.join(", ", allowed));
    }
    return value;
  }

  private static <T> List<T> nonEmpty(List<T> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (new TreeSet<>(list.stream().map(String::valueOf).toList()).size() != list.size()) {
      throw new IllegalArgumentException("has duplicates: " + list);
    }
    return List.copyOf(list);
  }

  /**
   * The augmentation presets: the built-in ones, then the experiment file's, each resolved from its
   * {@code base} (built-in or another of the file's, cycles refused). A preset with a problem is left
   * out of the result but stays a known name, so cells naming it do not add a second, misleading error.
   */
  private static final class Presets {
    private final Config c;
    private final Reader r;
    private final Set<String> known;
    private final Map<String, Config> defined = new TreeMap<>();
    private final Map<String, AugmentSettings> resolved = new LinkedHashMap<>();
    private final Set<String> failed = new HashSet<>();

    Presets(Config c, Reader r, Set<String> known) {
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
          ? r.get(path + ".base", k -> oneOf(c.getString(k), List.copyOf(known), "augmentation"))
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

    private void number(Config p, String prefix, String key, java.util.function.DoubleFunction<?> set) {
      if (p.hasPath(key)) {
        r.get(prefix + key, k -> set.apply(c.getDouble(k)));
      }
    }

    private Object pair(String key, java.util.function.BiFunction<Double, Double, ?> set) {
      List<Double> v = c.getDoubleList(key);
      if (v.size() != 2) {
        throw new IllegalArgumentException("must be [min, max], got " + v);
      }
      return set.apply(v.get(0), v.get(1));
    }
  }

  /**
   * {@code read.apply(key)}, or null with the failure added to {@code problems} as one line naming the
   * key ("required", "wrong type (...)" or the message): how every config loader (this one, the
   * robustness and landscape ones) reports all problems of a file at once.
   */
  public static <T> T readOrReport(String key, Function<String, T> read, List<String> problems) {
    try {
      return read.apply(key);
    } catch (ConfigException.Missing e) {
      problems.add(key + ": required");
    } catch (ConfigException.WrongType e) {
      problems.add(key + ": wrong type (" + e.getMessage().replaceFirst("^.*?: ", "") + ")");
    } catch (ConfigException | IllegalArgumentException e) {
      problems.add(key + ": " + e.getMessage());
    }
    return null;
  }

  /** Reads keys, turning each failure into a problem line and a placeholder value. */
  private record Reader(Config c, List<String> problems) {

    <T> T get(String key, Function<String, T> read) {
      return readOrReport(key, read, problems);
    }

    String requiredString(String key) {
      if (c.getIsNull(key)) {
        throw new IllegalArgumentException("required (a path or URI)");
      }
      return c.getString(key);
    }

    int intRange(int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be in [" + min + ", " + max + "], got " + v);
      }
      return v;
    }

    double range(double v, double min, boolean minInclusive, double max) {
      boolean ok = (minInclusive ? v >= min : v > min) && v <= max;
      if (!ok) {
        throw new IllegalArgumentException(
            "must be in " + (minInclusive ? "[" : "(") + min + ", " + max + "], got " + v);
      }
      return v;
    }
  }
}
