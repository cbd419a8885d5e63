package io.mishbench.results;

/** Mean and sample standard deviation of a few measurements (e.g. one accuracy over seeds). */
final class Samples {

  private Samples() {}

  /** The arithmetic mean; NaN for no values. */
  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** The sample standard deviation (divisor n - 1); NaN for fewer than two values. */
  static double std(double[] v) {
    if (v.length < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
