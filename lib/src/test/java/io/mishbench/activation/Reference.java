package io.mishbench.activation;

/**
 * Textbook formulas in double precision, written independently of the kernels (tanh, log1p and the
 * plain sigmoid instead of the single-exp forms), as the reference the kernels are measured against.
 */
final class Reference {

  private Reference() {}

  static double f(String activation, double x) {
    return switch (activation) {
      case "mish" -> x * Math.tanh(Math.log1p(Math.exp(x)));
      case "swish" -> x * sigmoid(x);
      case "relu" -> Math.max(x, 0);
      case "leakyrelu" -> x > 0 ? x : 0.1 * x;
      case "leakyrelu:0.2" -> x > 0 ? x : 0.2 * x;
      default -> throw new IllegalArgumentException(activation);
    };
  }

  static double df(String activation, double x) {
    return switch (activation) {
      case "mish" -> {
        double t = Math.tanh(Math.log1p(Math.exp(x)));
        yield t + x * sigmoid(x) * (1 - t * t);
      }
      case "swish" -> sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x));
      case "relu" -> x > 0 ? 1 : 0;
      case "leakyrelu" -> x > 0 ? 1 : 0.1;
      case "leakyrelu:0.2" -> x > 0 ? 1 : 0.2;
      default -> throw new IllegalArgumentException(activation);
    };
  }

  /**
   * The scale f'(x) is computed at: the sum of the magnitudes of its terms (t and x sigmoid (1 - t^2)
   * for Mish, s and x s (1 - s) for Swish). It equals |f'(x)| except near f''s root (Mish -1.19,
   * Swish -1.28), where the terms cancel and no evaluation in a finite precision can be relatively
   * accurate; errors of f' are measured relative to this.
   */
  static double dfScale(String activation, double x) {
    return switch (activation) {
      case "mish" -> {
        double t = Math.tanh(Math.log1p(Math.exp(x)));
        yield Math.abs(t) + Math.abs(x * sigmoid(x) * (1 - t * t));
      }
      case "swish" -> sigmoid(x) + Math.abs(x * sigmoid(x) * (1 - sigmoid(x)));
      default -> Math.abs(df(activation, x));
    };
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
