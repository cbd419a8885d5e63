package io.mishbench.config;

/**
 * An interval of real numbers with each end explicitly open or closed: {@code closed(0, 1)} is
 * [0, 1], {@code closedOpen(0, 1)} is [0, 1), {@code openClosed(0, 10)} is (0, 10]. This is the only
 * way a config states a real-valued range, so an end's meaning is written where the range is, never
 * in a positional boolean. NaN is in no interval.
 *
 * @param min lower end
 * @param minClosed whether {@code min} itself is allowed
 * @param max upper end, at least {@code min}
 * @param maxClosed whether {@code max} itself is allowed
 */
public record Interval(double min, boolean minClosed, double max, boolean maxClosed) {

  public Interval {
    if (!(min <= max)) {
      throw new IllegalArgumentException("interval ends out of order: " + min + ", " + max);
    }
  }

  /** [min, max]. */
  public static Interval closed(double min, double max) {
    return new Interval(min, true, max, true);
  }

  /** [min, max). */
  public static Interval closedOpen(double min, double max) {
    return new Interval(min, true, max, false);
  }

  /** (min, max]. */
  public static Interval openClosed(double min, double max) {
    return new Interval(min, false, max, true);
  }

  /** (min, max). */
  public static Interval open(double min, double max) {
    return new Interval(min, false, max, false);
  }

  public boolean contains(double v) {
    return (minClosed ? v >= min : v > min) && (maxClosed ? v <= max : v < max);
  }

  /**
   * {@code v} when it is in the interval.
   *
   * @throws IllegalArgumentException "must be in [min, max), got v"
   */
  public double check(double v) {
    if (!contains(v)) {
      throw new IllegalArgumentException("must be in " + this + ", got " + v);
    }
    return v;
  }

  /** {@link #check(double)} of a record component or key {@code name}: "name must be in ..., got v". */
  public double check(String name, double v) {
    if (!contains(v)) {
      throw new IllegalArgumentException(name + " must be in " + this + ", got " + v);
    }
    return v;
  }

  @Override
  public String toString() {
    return (minClosed ? "[" : "(") + min + ", " + max + (maxClosed ? "]" : ")");
  }
}
