package io.mishbench.experiments;

import io.mishbench.train.LossEvaluation;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The 2-D loss landscape of Li et al. 2018 ("Visualizing the Loss Landscape of Neural Nets"): the loss
 * {@code L(theta + a d1 + b d2)} on an {@code n x n} grid of {@code (a, b)}, where {@code d1} and
 * {@code d2} are Gaussian random directions, filter-normalised: every filter of a weight gets the norm
 * of the same filter of the trained weights. A filter is one output unit's slice: a column of a dense
 * {@code [nIn, nOut]} weight, a slice along the first axis of a {@code [nOut, nIn, kH, kW]} convolution
 * weight (for a rank-3 grouped weight {@code [groups, nOut/groups, k]}, one (group, output) row). As in
 * the paper, parameters that are not weights by their layer's own account (biases, batch-norm gamma,
 * beta and running statistics) get a zero direction and stay at their trained values. The loss is the
 * mean cross-entropy ({@link LossEvaluation}) over a fixed evaluation set with the network in
 * inference mode, so batch norm uses its running statistics.
 *
 * @param as the grid values of a (and of b), 0 exactly at the centre of a symmetric range
 * @param losses {@code losses[j][i] = L(as[i], as[j])}
 * @param trainedLoss the loss of the untouched network
 * @param trainedTop1 its top-1 accuracy on the evaluation set
 */
public record LossLandscape(double[] as, double[][] losses, double trainedLoss, double trainedTop1) {

  private static final int BATCH = 256;
  private static final double EPS = 1e-10;

  /**
   * A filter-normalised Gaussian direction for {@code net}, as a flat vector like its parameters.
   * The network's parameters are unchanged afterwards.
   */
  public static INDArray direction(LandscapeNetwork net, Random rng) {
    INDArray theta = net.params().dup();
    try {
      for (Layer layer : net.layers()) {
        var conf = layer.conf().getLayer();
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
          INDArray w = e.getValue();
          if (conf.initializer().isWeightParam(conf, e.getKey()) && w.rank() >= 2) {
            w.assign(filterNormalised(w.dup(), rng));
          } else {
            w.assign(0);
          }
        }
      }
      return net.params().dup();
    } finally {
      net.setParams(theta);
    }
  }

  /** A Gaussian array of {@code w}'s shape with every filter scaled to the norm of {@code w}'s filter. */
  static INDArray filterNormalised(INDArray w, Random rng) {
    long[] shape = w.shape();
    long filters = filterCount(shape);
    long per = w.length() / filters;
    double[] g = new double[(int) w.length()];
    for (int i = 0; i < g.length; i++) {
      g[i] = rng.nextGaussian();
    }
    // rows = filters: a dense weight's columns become rows by transposing
    INDArray wf = shape.length == 2 ? w.transpose().dup('c') : w.dup('c').reshape('c', filters, per);
    INDArray d = Nd4j.createFromArray(g).reshape('c', filters, per).castTo(w.dataType());
    INDArray wn = wf.norm2(1).reshape(filters, 1);
    INDArray dn = d.norm2(1).reshape(filters, 1).addi(EPS);
    d.muliColumnVector(wn.divi(dn));
    return shape.length == 2 ? d.transpose().dup('c') : d.reshape('c', shape);
  }

  /** Filters of a weight of this shape: dense columns, conv outputs, grouped (group, output) pairs. */
  static long filterCount(long[] shape) {
    return switch (shape.length) {
      case 2 -> shape[1];
      case 3 -> shape[0] * shape[1];
      default -> shape[0];
    };
  }

  /** The norms of each filter of {@code w} (for tests and diagnostics). */
  public static double[] filterNorms(INDArray w) {
    long[] shape = w.shape();
    long filters = filterCount(shape);
    INDArray wf = shape.length == 2 ? w.transpose().dup('c') : w.dup('c').reshape('c', filters, w.length() / filters);
    return wf.norm2(1).castTo(DataType.DOUBLE).toDoubleVector();
  }

  /** The mean cross-entropy and top-1 of {@code net} on {@code eval}, in inference mode. */
  public static double[] evaluate(LandscapeNetwork net, DataSet eval) {
    LossEvaluation loss = new LossEvaluation();
    long correct = 0;
    long n = eval.numExamples();
    for (long start = 0; start < n; start += BATCH) {
      long end = Math.min(n, start + BATCH);
      INDArray x = eval.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end));
      INDArray y = eval.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end));
      INDArray out = net.output(x);
      loss.eval(y, out);
      correct += out.argMax(1).eq(y.argMax(1)).castTo(DataType.INT).sumNumber().longValue();
    }
    return new double[] {loss.loss(), (double) correct / n};
  }

  /**
   * Computes the landscape of {@code net} on {@code eval} over {@code [min, max]^2} with {@code n}
   * points per axis, directions drawn from {@code seed}; {@code progress} gets a line per grid row.
   * The network's parameters are restored afterwards.
   */
  public static LossLandscape compute(
      LandscapeNetwork net, DataSet eval, double min, double max, int n, long seed, String label,
      Consumer<String> progress) {
    Random rng = new Random(seed);
    INDArray d1 = direction(net, rng);
    INDArray d2 = direction(net, rng);
    INDArray theta = net.params().dup();
    double[] trained = evaluate(net, eval);
    double[] as = OutputLandscape.axis(min, max, n);
    double[][] losses = new double[n][n];
    long t0 = System.nanoTime();
    try {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < n; i++) {
          net.setParams(theta.add(d1.mul(as[i])).addi(d2.mul(as[j])));
          losses[j][i] = evaluate(net, eval)[0];
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format(Locale.ROOT, "loss landscape %s: row %d/%d (b = %.3f), %.1f s, ETA %.0f s",
            label, j + 1, n, as[j], elapsed, elapsed / (j + 1) * (n - j - 1)));
      }
    } finally {
      net.setParams(theta);
    }
    return new LossLandscape(as, losses, trained[0], trained[1]);
  }

  /** The grid index of the centre (a, b) = (0, 0), or -1 when 0 is not a grid value. */
  public int centreIndex() {
    for (int i = 0; i < as.length; i++) {
      if (as[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Summary numbers: the loss at the centre (the trained network's loss), the grid's minimum and where,
   * its maximum, the mean over the grid, and the sharpness: the discrete Laplacian at the centre,
   * {@code (L(h,0) + L(-h,0) + L(0,h) + L(0,-h) - 4 L(0,0)) / h^2} with h the grid step (NaN when the
   * centre is not an interior grid point).
   */
  public Stats stats() {
    int n = as.length;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double sum = 0;
    int li = 0;
    int lj = 0;
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < n; i++) {
        double v = losses[j][i];
        sum += v;
        if (v < lo) {
          lo = v;
          li = i;
          lj = j;
        }
        hi = Math.max(hi, v);
      }
    }
    int c = centreIndex();
    double laplacian = Double.NaN;
    if (c > 0 && c < n - 1) {
      double h = as[c + 1] - as[c];
      laplacian = (losses[c][c + 1] + losses[c][c - 1] + losses[c + 1][c] + losses[c - 1][c] - 4 * losses[c][c]) / (h * h);
    }
    double corners = (losses[0][0] + losses[0][n - 1] + losses[n - 1][0] + losses[n - 1][n - 1]) / 4;
    return new Stats(trainedLoss, trainedTop1, lo, as[li], as[lj], hi, sum / (n * n), corners, laplacian);
  }

  /**
   * @param centre loss of the trained network
   * @param centreTop1 its top-1 on the evaluation set
   * @param min the grid's lowest loss
   * @param minA its a
   * @param minB its b
   * @param max the grid's highest loss
   * @param mean the mean loss over the grid
   * @param corners the mean loss at the four corners
   * @param sharpness the discrete Laplacian at the centre
   */
  public record Stats(
      double centre, double centreTop1, double min, double minA, double minB, double max, double mean, double corners,
      double sharpness) {}

  /** {@code a,b,loss} for every grid point. */
  public String csv() {
    StringBuilder sb = new StringBuilder("a,b,loss\n");
    for (int j = 0; j < as.length; j++) {
      for (int i = 0; i < as.length; i++) {
        sb.append(as[i]).append(',').append(as[j]).append(',').append(losses[j][i]).append('\n');
      }
    }
    return sb.toString();
  }
}
