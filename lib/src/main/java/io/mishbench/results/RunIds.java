package io.mishbench.results;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Run ids: readable cell coordinates plus a hash of every setting that changes the result, so a rerun
 * of the same config finds its finished runs and a changed setting never reuses a stale one.
 */
public final class RunIds {

  private RunIds() {}

  /**
   * {@code <model>-<activation>-<augmentation>-s<seed>-<8 hex digits>}.
   *
   * @param settings the result-changing settings (dataset, scale, training); their order is irrelevant
   */
  public static String of(String model, String activation, String augmentation, long seed, Map<String, ?> settings) {
    String canonical = new TreeMap<>(settings).toString();
    String act = activation.replace(':', '_');
    return model + "-" + act + "-" + augmentation + "-s" + seed + "-" + sha256(canonical).substring(0, 8);
  }

  /**
   * The components of a config record as run settings: key {@code prefix} + the component's name in
   * kebab case (the config file's key: {@code batchSizePerWorker} -> {@code batch-size-per-worker}),
   * value as its accessor returns it. So a component added to the record changes run ids unless it is
   * named in {@code leftOut} (kebab case), which is for components that do not change the trained network
   * or that the caller records in a form of its own.
   *
   * @throws IllegalArgumentException when {@code leftOut} names no component (a stale exclusion)
   */
  public static Map<String, Object> settingsOf(String prefix, Record config, Set<String> leftOut) {
    Map<String, Object> m = new LinkedHashMap<>();
    int left = 0;
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      String key = kebab(c.getName());
      if (leftOut.contains(key)) {
        left++;
        continue;
      }
      try {
        m.put(prefix + key, c.getAccessor().invoke(config));
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + config.getClass().getName(), e);
      }
    }
    if (left != leftOut.size()) {
      throw new IllegalArgumentException(config.getClass().getSimpleName() + " lacks some of " + leftOut);
    }
    return m;
  }

  /** {@code batchSizePerWorker} -> {@code batch-size-per-worker}; {@code targetTop1} -> {@code target-top1}. */
  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
