package io.mishbench.activation;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An activation and its derivative sampled on a grid, computed by the same
 * {@link StableActivation#getActivation} and {@link StableActivation#backprop} calls training makes,
 * in the requested floating-point type: what {@code mishbench activations} prints and plots.
 *
 * @param name the activation's canonical name
 * @param type the ND4J type the values were computed in
 * @param x the grid points as represented in {@code type}
 * @param f f(x)
 * @param df f'(x)
 */
public record ActivationCurve(String name, DataType type, double[] x, double[] f, double[] df) {

  /** The types {@link #parseType} accepts. */
  public static final List<String> TYPES = List.of("float32", "float64", "float16", "bfloat16");

  /** The most points one curve may have. */
  public static final int MAX_POINTS = 10_000_000;

  /**
   * Parses {@code float32}, {@code float64}, {@code float16} or {@code bfloat16}.
   *
   * @throws IllegalArgumentException naming the value and the known types
   */
  public static DataType parseType(String name) {
    return switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
      case "float32", "float" -> DataType.FLOAT;
      case "float64", "double" -> DataType.DOUBLE;
      case "float16", "half" -> DataType.HALF;
      case "bfloat16" -> DataType.BFLOAT16;
      default -> throw new IllegalArgumentException(
          "unknown dtype '" + name + "'; known: " + String.join(", ", TYPES));
    };
  }

  /** The name {@link #parseType} reads back, e.g. {@code float32}. */
  public String typeName() {
    return switch (type) {
      case DOUBLE -> "float64";
      case HALF -> "float16";
      case BFLOAT16 -> "bfloat16";
      default -> "float32";
    };
  }

  /**
   * The points from, from + step, ... up to and including {@code to} (within a rounding error).
   *
   * @throws IllegalArgumentException naming the values when the range is empty, not finite, or longer
   *     than {@link #MAX_POINTS}
   */
  public static double[] grid(double from, double to, double step) {
    if (!Double.isFinite(from) || !Double.isFinite(to)) {
      throw new IllegalArgumentException("--from and --to must be finite numbers, got " + from + " and " + to);
    }
    if (!(step > 0) || !Double.isFinite(step)) {
      throw new IllegalArgumentException("--step must be a positive number, got " + step);
    }
    if (from > to) {
      throw new IllegalArgumentException("--from must not be above --to, got " + from + " > " + to);
    }
    double count = Math.floor((to - from) / step * (1 + 1e-12)) + 1;
    if (count > MAX_POINTS) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s to %s in steps of %s is %.0f points; at most %d", from, to, step, count, MAX_POINTS));
    }
    double[] xs = new double[(int) count];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = from + i * step;
    }
    return xs;
  }

  /** Samples {@code activation} at {@code points}, rounded to {@code type} first. */
  public static ActivationCurve sample(StableActivation activation, DataType type, double[] points) {
    INDArray x = Nd4j.createFromArray(points).castTo(type);
    INDArray f = activation.getActivation(x.dup(), false);
    INDArray df = activation.backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
    return new ActivationCurve(activation.name(), type, x.castTo(DataType.DOUBLE).toDoubleVector(),
        f.castTo(DataType.DOUBLE).toDoubleVector(), df.castTo(DataType.DOUBLE).toDoubleVector());
  }

  /** Writes the CSV: header {@code x,f,df}, one row per point, each value as its type prints it. */
  public void writeCsv(Appendable out) throws IOException {
    out.append("x,f,df\n");
    for (int i = 0; i < x.length; i++) {
      out.append(format(x[i])).append(',').append(format(f[i])).append(',').append(format(df[i])).append('\n');
    }
  }

  /** Shortest text that reads back as the same value of {@link #type} (float text below float64). */
  private String format(double v) {
    return type == DataType.DOUBLE ? Double.toString(v) : Float.toString((float) v);
  }
}
