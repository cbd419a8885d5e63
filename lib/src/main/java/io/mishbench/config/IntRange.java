package io.mishbench.config;

/**
 * A closed range of whole numbers, {@code [min, max]}: both ends allowed. A config record states its
 * rules as constants of this type, checks them in its compact constructor, and the reader applies the
 * same constant to the key, so the message names the key.
 *
 * @param min smallest allowed value
 * @param max largest allowed value, at least {@code min}
 */
public record IntRange(int min, int max) {

  public IntRange {
    if (min > max) {
      throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
    }
  }

  /** {@code [min, max]}. */
  public static IntRange of(int min, int max) {
    return new IntRange(min, max);
  }

  public boolean contains(int v) {
    return v >= min && v <= max;
  }

  /**
   * {@code v} when it is in the range.
   *
   * @throws IllegalArgumentException "must be in [min, max], got v"
   */
  public int check(int v) {
    if (!contains(v)) {
      throw new IllegalArgumentException("must be in " + this + ", got " + v);
    }
    return v;
  }

  /** {@link #check(int)} of a record component or key {@code name}: "name must be in [min, max], got v". */
  public int check(String name, int v) {
    if (!contains(v)) {
      throw new IllegalArgumentException(name + " must be in " + this + ", got " + v);
    }
    return v;
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
