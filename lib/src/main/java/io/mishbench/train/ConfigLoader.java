package io.mishbench.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.mishbench.activation.ActivationRegistry;
import io.mishbench.fs.HadoopFiles;
import io.mishbench.model.ModelZoo;
import io.mishbench.train.ExperimentConfig.Cell;
import io.mishbench.train.ExperimentConfig.Grid;
import io.mishbench.train.ExperimentConfig.Training;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads an experiment file (HOCON) over the defaults in {@code mishbench-defaults.conf}, applies
 * {@code --set key=value} overrides and validates the result. Every problem is collected with its key
 * path and reported together in one {@link ConfigValidationException}; keys the defaults do not have
 * are errors. Nothing here touches Spark or the datasets, so a bad config fails before any work.
 */
public final class ConfigLoader {

  /** Augmentations this build implements. */
  public static final List<String> AUGMENTATIONS = List.of("none");

  private static final List<String> OPTIMIZERS = List.of("sgd", "adam");

  private ConfigLoader() {}

  /** Loads {@code file} with {@code overrides} ({@code key=value} strings). */
  public static ExperimentConfig load(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file not found: " + file);
    }
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("cannot parse config " + file + ": " + e.getMessage(), e);
    }
    return fromConfig(applyOverrides(user, overrides), file.toString());
  }

  /** Validates an already parsed config; {@code origin} names it in errors. */
  public static ExperimentConfig fromConfig(Config user, String origin) {
    Config defaults = ConfigFactory.parseResources(ConfigLoader.class, "/mishbench-defaults.conf");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      if (!defaults.hasPathOrNull(e.getKey())) {
        problems.add(e.getKey() + ": unknown key");
      }
    }
    Config c = user.withFallback(defaults).resolve();
    Reader r = new Reader(c, problems);

    URI dataset = r.get("dataset", k -> HadoopFiles.resolve(r.requiredString(k)));
    URI results = r.get("results", k -> HadoopFiles.resolve(r.requiredString(k)));
    String model = r.get("model", k -> model(c.getString(k)));
    String activation = r.get("activation", k -> ActivationRegistry.canonicalName(c.getString(k)));
    String augmentation = r.get("augmentation", k -> oneOf(c.getString(k), AUGMENTATIONS, "augmentation"));
    Long seed = r.get("seed", c::getLong);
    Double width = r.get("width", k -> r.range(c.getDouble(k), 0, false, 16));
    Double depth = r.get("depth", k -> r.range(c.getDouble(k), 0, false, 16));

    Integer epochs = r.get("training.epochs", k -> r.intRange(c.getInt(k), 1, 10_000));
    Integer workers = r.get("training.workers", k -> r.intRange(c.getInt(k), 1, 4096));
    Integer batch = r.get("training.batch-size-per-worker", k -> r.intRange(c.getInt(k), 1, 65_536));
    Integer averaging = r.get("training.averaging-frequency", k -> r.intRange(c.getInt(k), 1, 10_000));
    String optimizer = r.get("training.optimizer", k -> oneOf(c.getString(k), OPTIMIZERS, "optimizer"));
    Double learningRate = r.get("training.learning-rate", k -> r.range(c.getDouble(k), 0, false, 10));
    Double momentum = r.get("training.momentum", k -> r.range(c.getDouble(k), 0, true, 0.999999));
    Double weightDecay = r.get("training.weight-decay", k -> r.range(c.getDouble(k), 0, true, 0.999999));
    Integer evalBatch = r.get("training.eval-batch-size", k -> r.intRange(c.getInt(k), 1, 65_536));

    List<String> models = r.get("grid.models", k -> nonEmpty(c.getStringList(k).stream().map(ConfigLoader::model).toList()));
    List<String> activations = r.get("grid.activations",
        k -> nonEmpty(c.getStringList(k).stream().map(ActivationRegistry::canonicalName).distinct().toList()));
    List<String> augmentations = r.get("grid.augmentations",
        k -> nonEmpty(c.getStringList(k).stream().map(a -> oneOf(a, AUGMENTATIONS, "augmentation")).toList()));
    List<Long> seeds = r.get("grid.seeds", k -> nonEmpty(c.getLongList(k)));

    if (!problems.isEmpty()) {
      throw new ConfigValidationException(origin, problems);
    }
    Training training =
        new Training(epochs, workers, batch, averaging, optimizer, learningRate, momentum, weightDecay, evalBatch);
    Grid grid = new Grid(models, activations, augmentations, seeds);
    return new ExperimentConfig(
        dataset, results, new Cell(model, activation, augmentation, seed), width, depth, training, grid);
  }

  /** Applies {@code key=value} overrides; a value starting with '[' or '{' is parsed as HOCON. */
  static Config applyOverrides(Config user, List<String> overrides) {
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

  /** Reads keys, turning each failure into a problem line and a placeholder value. */
  private record Reader(Config c, List<String> problems) {

    <T> T get(String key, Function<String, T> read) {
      try {
        return read.apply(key);
      } catch (ConfigException.Missing e) {
        problems.add(key + ": required");
      } catch (ConfigException.WrongType e) {
        problems.add(key + ": wrong type (" + e.getMessage().replaceFirst("^.*?: ", "") + ")");
      } catch (ConfigException e) {
        problems.add(key + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        problems.add(key + ": " + e.getMessage());
      }
      return null;
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
