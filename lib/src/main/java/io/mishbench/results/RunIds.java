package io.mishbench.results;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
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

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
