package io.mishbench.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads the keys of one config file over its defaults and collects every problem instead of stopping at
 * the first: each {@link #get} either returns the value or records one line naming the key
 * ("required", "wrong type (...)" or the rule's message) and returns null. {@link #throwIfAny} then
 * reports them all in one {@link ConfigValidationException}. The experiment ({@code train}), robustness
 * and landscape readers are all written with it.
 */
public final class ConfigReader {

  private final Config config;
  private final List<String> problems;

  private ConfigReader(Config config, List<String> problems) {
    this.config = config;
    this.problems = problems;
  }

  /**
   * A reader of {@code user} over {@code defaults}: every key of {@code user} that {@code checked}
   * accepts and {@code defaults} lacks is an "unknown key" problem; substitutions are resolved
   * ({@link ConfigFile#resolve}) with {@code origin} naming the file.
   */
  public static ConfigReader over(Config user, Config defaults, Predicate<String> checked, String origin) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      if (checked.test(e.getKey()) && !defaults.hasPathOrNull(e.getKey())) {
        problems.add(e.getKey() + ": unknown key");
      }
    }
    return new ConfigReader(ConfigFile.resolve(user.withFallback(defaults), origin), problems);
  }

  /** The resolved config (the file over its defaults). */
  public Config config() {
    return config;
  }

  /** The problems found so far, modifiable: a reader with rules of its own adds lines here. */
  public List<String> problems() {
    return problems;
  }

  /** {@code read.apply(key)}, or null with the failure recorded as one line naming the key. */
  public <T> T get(String key, Function<String, T> read) {
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

  /** The whole number at {@code key}, checked against {@code range}. */
  public Integer get(String key, IntRange range) {
    return get(key, k -> range.check(config.getInt(k)));
  }

  /** The number at {@code key}, checked against {@code interval}. */
  public Double get(String key, Interval interval) {
    return get(key, k -> interval.check(config.getDouble(k)));
  }

  /**
   * The text at {@code key}, which must be set and not blank: "required ({what})" otherwise (for keys
   * whose default is {@code null}, e.g. a dataset path).
   */
  public String required(String key, String what) {
    if (config.getIsNull(key) || config.getString(key).isBlank()) {
      throw new IllegalArgumentException("required (" + what + ")");
    }
    return config.getString(key);
  }

  /**
   * Throws every problem recorded.
   *
   * @throws ConfigValidationException when there is at least one
   */
  public void throwIfAny(String origin) {
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(origin, problems);
    }
  }
}
