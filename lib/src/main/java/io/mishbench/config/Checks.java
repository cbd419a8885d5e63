package io.mishbench.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The list and choice rules every config reader shares, each with one meaning: {@link #distinct}
 * refuses a list that repeats an entry (after the caller's canonicalisation, e.g. activation names),
 * it never drops the repeat silently; {@link #nonEmpty} refuses an empty list. Ranges are
 * {@link IntRange} and {@link Interval}.
 */
public final class Checks {

  private Checks() {}

  /**
   * An unmodifiable copy of {@code list}.
   *
   * @throws IllegalArgumentException "must not be empty"
   */
  public static <T> List<T> nonEmpty(List<T> list) {
    if (list.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return List.copyOf(list);
  }

  /**
   * An unmodifiable copy of {@code list}.
   *
   * @throws IllegalArgumentException "has duplicates: [...]" when an entry equals an earlier one
   */
  public static <T> List<T> distinct(List<T> list) {
    Set<T> seen = new HashSet<>();
    for (T t : list) {
      if (!seen.add(t)) {
        throw new IllegalArgumentException("has duplicates: " + list);
      }
    }
    return List.copyOf(list);
  }

  /** {@link #nonEmpty} and {@link #distinct}. */
  public static <T> List<T> distinctNonEmpty(List<T> list) {
    return distinct(nonEmpty(list));
  }

  /**
   * {@code value} when {@code allowed} holds it.
   *
   * @throws IllegalArgumentException "unknown {what} 'value'; known: a, b, c"
   */
  public static String oneOf(String value, List<String> allowed, String what) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException("unknown " + what + " '" + value + "'; known: " + String.join(", ", allowed));
    }
    return value;
  }

  /**
   * A non-empty list of finite values {@code >= 0}, copied.
   *
   * @throws IllegalArgumentException naming the first offending value
   */
  public static List<Double> finiteNonNegative(List<Double> values) {
    nonEmpty(values);
    for (double v : values) {
      if (!(v >= 0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("every value must be finite and >= 0, got " + v + " in " + values);
      }
    }
    return List.copyOf(values);
  }
}
