package io.mishbench.activation;

import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSwish;

/**
 * Turns activation names into DL4J activations.
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
    public IActivation create() {
      return switch (family()) {
        case "mish" -> new ActivationMish();
        case "swish" -> new ActivationSwish();
        case "relu" -> new ActivationReLU();
        case "leakyrelu" -> new ActivationLReLU(slope);
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
        throw new IllegalArgumentException("leaky ReLU slope must be a number in [0, 1), got '" + s + "'");
      }
      if (!(slope >= 0 && slope < 1)) {
        throw new IllegalArgumentException("leaky ReLU slope must be in [0, 1), got " + slope);
      }
      return slope == DEFAULT_LEAKY_SLOPE ? new Spec("leakyrelu", slope) : new Spec("leakyrelu:" + s, slope);
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "'; known: " + String.join(", ", KNOWN));
  }
}
