package io.mishbench.activation;

import java.util.List;
import java.util.Locale;

/**
 * Turns activation names into mishbench's DL4J activations ({@link StableActivation}); models,
 * configs and the command line all go through here, never through DL4J's {@code Activation} enum.
 *
 * <p>Known names: {@code mish}, {@code swish}, {@code leakyrelu} (slope 0.1, as Darknet's CSP models
 * use, not DL4J's default 0.01), {@code leakyrelu:<slope>} and {@code relu}. Names are case
 * insensitive; the canonical form is lower case.
 */
public final class ActivationRegistry {

  /** Darknet's leaky slope, used by every CSP model in the paper's table. */
  public static final double DEFAULT_LEAKY_SLOPE = 0.1;

  /** The names {@link #parse} accepts, as shown in error messages. */
  public static final List<String> KNOWN = List.of("mish", "swish", "leakyrelu", "leakyrelu:<slope>", "relu");

  private ActivationRegistry() {}

  /**
   * Returns the canonical name of an activation, e.g. {@code "LeakyReLU"} gives {@code "leakyrelu"}.
   *
   * @throws IllegalArgumentException for an unknown name or a slope outside [0, 1)
   */
  public static String canonicalName(String name) {
    return parse(name).name();
  }

  /** A parsed activation name: its canonical name and, for leaky ReLU, the slope. */
  public record Spec(String name, double slope) {

    /** Builds a fresh DL4J activation for this spec. */
    public StableActivation create() {
      return switch (family()) {
        case "mish" -> new MishActivation();
        case "swish" -> new SwishActivation();
        case "relu" -> new ReLUActivation();
        case "leakyrelu" -> new LeakyReLUActivation(slope);
        default -> throw new IllegalStateException("unreachable: " + name);
      };
    }

    /** The name without a slope: mish, swish, leakyrelu or relu. */
    public String family() {
      int colon = name.indexOf(':');
      return colon < 0 ? name : name.substring(0, colon);
    }
  }

  /**
   * The float32 kernels this JVM runs: {@code vector-<lanes>} with the Vector API, {@code scalar}
   * without (for logs, benchmarks and run provenance).
   */
  public static String floatKernel() {
    return KernelRunner.kernelName();
  }

  /**
   * Returns {@code slope} if it is a usable leaky ReLU slope: in [0, 1). A negative slope makes the
   * activation non-monotonic and 1 or more makes it no longer leaky.
   *
   * @throws IllegalArgumentException naming the value otherwise (NaN included)
   */
  public static double checkSlope(double slope) {
    if (!(slope >= 0 && slope < 1)) {
      throw new IllegalArgumentException("leaky ReLU slope must be in [0, 1), got " + slope);
    }
    return slope;
  }

  /**
   * Parses an activation name.
   *
   * @throws IllegalArgumentException naming the known activations when {@code name} is not one
   */
  public static Spec parse(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("activation name is empty; known: " + String.join(", ", KNOWN));
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "mish", "swish", "relu":
        return new Spec(n, 0);
      case "leakyrelu", "lrelu":
        return new Spec("leakyrelu", DEFAULT_LEAKY_SLOPE);
      default:
        break;
    }
    if (n.startsWith("leakyrelu:")) {
      String s = n.substring("leakyrelu:".length());
      double slope;
      try {
        slope = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "leaky ReLU slope in '" + name + "' must be a number in [0, 1), got '" + s + "'");
      }
      checkSlope(slope);
      return slope == DEFAULT_LEAKY_SLOPE ? new Spec("leakyrelu", slope) : new Spec("leakyrelu:" + slope, slope);
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "'; known: " + String.join(", ", KNOWN));
  }
}
