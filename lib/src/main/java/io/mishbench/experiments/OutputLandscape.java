package io.mishbench.experiments;

import io.mishbench.activation.ActivationRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Mish paper's output landscape: a randomly initialised MLP {@code 2 - hidden... - 1} with the
 * activation after every layer (the output's too), weights Xavier-initialised and biases N(0, 1), all
 * from one seed, in float64, evaluated
 * at every point of an {@code n x n} grid over {@code [min, max]^2}.
 *
 * @param activation canonical activation name
 * @param xs the grid values of both axes, {@code xs[0] = min}, {@code xs[n-1] = max}
 * @param values {@code values[j][i]} is the output at {@code (x = xs[i], y = xs[j])}
 */
public record OutputLandscape(String activation, double[] xs, double[][] values) {

  private static final int CHUNK = 20_000;

  /** Builds the seeded random MLP with the activation on the output unit too. */
  public static MultiLayerNetwork network(String activation, List<Integer> hidden, long seed) {
    return network(activation, hidden, seed, true);
  }

  /** Builds the seeded random MLP; {@code outputActivation} false leaves the output unit linear. */
  public static MultiLayerNetwork network(String activation, List<Integer> hidden, long seed, boolean outputActivation) {
    ActivationRegistry.Spec spec = ActivationRegistry.parse(activation);
    var list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER)
        .list();
    int in = 2;
    for (int width : hidden) {
      list.layer(new DenseLayer.Builder().nIn(in).nOut(width).activation(spec.create()).build());
      in = width;
    }
    list.layer(new DenseLayer.Builder().nIn(in).nOut(1)
        .activation(outputActivation ? spec.create() : new org.nd4j.linalg.activations.impl.ActivationIdentity()).build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    // DL4J starts biases at 0, which makes every unit's pre-activation zero at the origin: a ReLU network
    // would be positively homogeneous (rays from the corner (0, 0)); random biases put the kinks anywhere
    Random rng = new Random(seed);
    for (var layer : net.getLayers()) {
      INDArray b = layer.getParam("b");
      double[] v = new double[(int) b.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = rng.nextGaussian();
      }
      b.assign(Nd4j.createFromArray(v).reshape(b.shape()));
    }
    return net;
  }

  /** The {@code n} evenly spaced grid values from {@code min} to {@code max}, both exact. */
  public static double[] axis(double min, double max, int n) {
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      // a weighted mean: min and max exactly at the ends, and 0 exactly at the centre of a symmetric range
      xs[i] = (min * (n - 1 - i) + max * i) / (n - 1);
    }
    return xs;
  }

  /** Evaluates {@code network(activation, hidden, seed)} on the grid. */
  public static OutputLandscape compute(String activation, List<Integer> hidden, long seed, double min, double max, int n) {
    return compute(activation, hidden, seed, true, min, max, n);
  }

  /** Evaluates {@code network(activation, hidden, seed, outputActivation)} on the grid. */
  public static OutputLandscape compute(
      String activation, List<Integer> hidden, long seed, boolean outputActivation, double min, double max, int n) {
    return evaluate(ActivationRegistry.canonicalName(activation), network(activation, hidden, seed, outputActivation),
        axis(min, max, n));
  }

  /** Evaluates {@code net} (2 inputs, 1 output) at every point of {@code xs x xs}. */
  public static OutputLandscape evaluate(String activation, MultiLayerNetwork net, double[] xs) {
    int n = xs.length;
    long total = (long) n * n;
    double[][] values = new double[n][n];
    for (long start = 0; start < total; start += CHUNK) {
      int len = (int) Math.min(CHUNK, total - start);
      double[][] points = new double[len][2];
      for (int k = 0; k < len; k++) {
        long idx = start + k;
        points[k][0] = xs[(int) (idx % n)];
        points[k][1] = xs[(int) (idx / n)];
      }
      INDArray out = net.output(Nd4j.createFromArray(points), false);
      double[] v = out.reshape(len).toDoubleVector();
      for (int k = 0; k < len; k++) {
        long idx = start + k;
        values[(int) (idx / n)][(int) (idx % n)] = v[k];
      }
    }
    return new OutputLandscape(activation, xs, values);
  }

  /** The values min-max scaled to [0, 1] (all 0 when the landscape is flat). */
  public double[][] normalised() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : values) {
      for (double v : row) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    double span = hi - lo;
    double[][] out = new double[values.length][];
    for (int j = 0; j < values.length; j++) {
      out[j] = new double[values[j].length];
      for (int i = 0; i < values[j].length; i++) {
        out[j][i] = span > 0 ? (values[j][i] - lo) / span : 0;
      }
    }
    return out;
  }

  /** The grey image: black at the minimum, white at the maximum, y upwards. */
  public BufferedImage image() {
    double[][] v = normalised();
    int n = v.length;
    BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_BYTE_GRAY);
    var raster = img.getRaster();
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        raster.setSample(i, n - 1 - j, 0, (int) Math.round(v[j][i] * 255));
      }
    }
    return img;
  }

  /** {@link #image} as PNG bytes. */
  public byte[] png() {
    System.setProperty("java.awt.headless", "true");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image(), "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** {@code x,y,output,normalised} for every {@code stride}-th point of each axis. */
  public String csv(int stride) {
    double[][] v = normalised();
    StringBuilder sb = new StringBuilder("x,y,output,normalised\n");
    for (int j = 0; j < xs.length; j += stride) {
      for (int i = 0; i < xs.length; i += stride) {
        sb.append(xs[i]).append(',').append(xs[j]).append(',').append(values[j][i]).append(',').append(v[j][i])
            .append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Smoothness of the normalised image: the mean absolute second difference along x and y (0 for a
   * plane; a piecewise-linear ReLU landscape is 0 except at its kinks) and the mean total variation
   * {@code |dx| + |dy|} between neighbouring points, both per grid step on the [0, 1] scale.
   */
  public Smoothness smoothness() {
    double[][] v = normalised();
    int n = v.length;
    double second = 0;
    long secondCount = 0;
    double tv = 0;
    long tvCount = 0;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        if (i > 0 && i < n - 1) {
          second += Math.abs(v[j][i + 1] - 2 * v[j][i] + v[j][i - 1]);
          secondCount++;
        }
        if (j > 0 && j < n - 1) {
          second += Math.abs(v[j + 1][i] - 2 * v[j][i] + v[j - 1][i]);
          secondCount++;
        }
        if (i > 0 && j > 0) {
          tv += Math.abs(v[j][i] - v[j][i - 1]) + Math.abs(v[j][i] - v[j - 1][i]);
          tvCount++;
        }
      }
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : values) {
      for (double x : row) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    return new Smoothness(secondCount == 0 ? 0 : second / secondCount, tvCount == 0 ? 0 : tv / tvCount, lo, hi);
  }

  /**
   * @param meanAbsSecondDifference mean |second difference| of the normalised image along both axes
   * @param totalVariation mean |dx| + |dy| of the normalised image
   * @param min the raw output's minimum
   * @param max the raw output's maximum
   */
  public record Smoothness(double meanAbsSecondDifference, double totalVariation, double min, double max) {}
}
