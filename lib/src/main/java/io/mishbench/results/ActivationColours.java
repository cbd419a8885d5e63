package io.mishbench.results;

import io.mishbench.plot.Chart;
import java.awt.Color;
import java.util.List;

/**
 * The colour of each activation in the aggregate's plots: LReLU blue, Swish green, Mish red (as in
 * the activation plot's palette), any other activation the next palette colour by its column.
 */
public final class ActivationColours {

  static final Color LEAKYRELU = new Color(0x1f77b4);
  static final Color SWISH = new Color(0x2ca02c);
  static final Color MISH = new Color(0xd62728);

  private static final List<Color> OTHERS = Chart.PALETTE.subList(3, Chart.PALETTE.size());

  private ActivationColours() {}

  /** The colour of {@code activation}, one of the table's {@code activations}. */
  public static Color of(String activation, List<String> activations) {
    return switch (activation) {
      case "leakyrelu" -> LEAKYRELU;
      case "swish" -> SWISH;
      case "mish" -> MISH;
      default -> OTHERS.get(Math.max(0, activations.indexOf(activation)) % OTHERS.size());
    };
  }
}
