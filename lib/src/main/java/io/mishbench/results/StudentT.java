package io.mishbench.results;

/**
 * Student's t distribution: its CDF through the regularized incomplete beta function, and its inverse
 * by bisection, for confidence intervals of a mean over a few seeds.
 */
public final class StudentT {

  private static final double[] LANCZOS = {
    76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2,
    -0.5395239384953e-5
  };

  private StudentT() {}

  /**
   * P(T <= t) for {@code df} degrees of freedom.
   *
   * @throws IllegalArgumentException when {@code df} is not positive or {@code t} is NaN
   */
  public static double cdf(double t, double df) {
    checkDf(df);
    if (Double.isNaN(t)) {
      throw new IllegalArgumentException("t must be a number, got NaN");
    }
    double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5); // P(T > |t|)
    return t >= 0 ? 1 - tail : tail;
  }

  /**
   * The quantile t with P(T <= t) = p, to about 1e-9 relative accuracy (the log-gamma function limits it).
   *
   * @throws IllegalArgumentException when {@code p} is not in (0, 1) or {@code df} is not positive
   */
  public static double quantile(double p, double df) {
    checkDf(df);
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
    }
    if (p < 0.5) {
      return -quantile(1 - p, df);
    }
    double lo = 0;
    double hi = 1;
    while (cdf(hi, df) < p) {
      lo = hi;
      hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (cdf(mid, df) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }

  /** I_x(a, b), the regularized incomplete beta function, by its continued fraction. */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
    return x < (a + 1) / (a + b + 2)
        ? front * betaFraction(x, a, b) / a
        : 1 - front * betaFraction(1 - x, b, a) / b;
  }

  /** The continued fraction of the incomplete beta function (modified Lentz's method). */
  private static double betaFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-15) {
        break;
      }
    }
    return h;
  }

  /** ln Gamma(x) for x > 0 (Lanczos, about 1e-10 relative accuracy). */
  static double logGamma(double x) {
    double y = x;
    double tmp = x + 5.5;
    tmp -= (x + 0.5) * Math.log(tmp);
    double ser = 1.000000000190015;
    for (double c : LANCZOS) {
      ser += c / ++y;
    }
    return -tmp + Math.log(2.5066282746310005 * ser / x);
  }

  private static void checkDf(double df) {
    if (!(df > 0) || Double.isInfinite(df)) {
      throw new IllegalArgumentException("degrees of freedom must be positive and finite, got " + df);
    }
  }
}
