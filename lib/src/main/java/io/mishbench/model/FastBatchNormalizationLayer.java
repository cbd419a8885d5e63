package io.mishbench.model;

import io.mishbench.activation.StableActivation;
import java.nio.ByteBuffer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of {@link FastBatchNormalization}. Training on a dense float32 NCHW array on the CPU
 * (no helper), it computes what DL4J's batch norm computes in four passes ({@link BatchNormKernels}):
 * <ul>
 *   <li>forward: per-channel mean and biased variance (two passes), then
 *       y = gamma (x - mean) / sqrt(var + eps) + beta (one pass);
 *   <li>backward: per channel, sum(dy) and sum(dy (x - mean)) (one pass), then
 *       dx = gamma / std (dy - mean(dy) - xhat mean(dy xhat)) (one pass); dgamma = sum(dy xhat),
 *       dbeta = sum(dy), and DL4J's running-statistics "gradients": (global mean - batch mean)(1 - decay)
 *       and log(var / (decay var + (1 - decay) batch var)) / (2 ln 10) for the log10 std (or the
 *       variance's difference), which DL4J's updater subtracts.
 * </ul>
 * With an activation in its configuration (the zoo's conv-bn-act blocks, {@link Blocks}), the layer is
 * batch norm followed by that activation, which DL4J's batch norm never applies: a {@link
 * io.mishbench.activation.StableActivation} is fused into the passes above (forward: each plane
 * activated right after its affine pass; backward: the normalised values recomputed per plane from the
 * input, the activation's gradient taken and summed in the same pass), so neither the normalised
 * values nor a copy of them is stored; any other activation is applied after DL4J's batch norm.
 * Inference (running statistics) on such arrays is one pass too. Other data types and layouts, the
 * cuDNN helper and fixed gamma/beta are DL4J's own code, unchanged (then followed by the activation).
 * On the -onednn CPU builds these passes replace oneDNN's batch norm in training too: with oneDNN's
 * convolutions they made resnet50 1.06x as fast as oneDNN's batch norm did.
 */
public class FastBatchNormalizationLayer extends BatchNormalization {

  /** The statistics of the last fast forward pass, for its backward pass; null after any other. */
  private Stats last;

  /** Fast forward passes so far (tests check that the fast path ran). */
  int fastPasses;

  /** @param input the layer's input; @param dense it, or its dense copy */
  private record Stats(INDArray input, INDArray dense, double[] mean, double[] var, double[] invStd, float[] scale,
      float[] shift) {}

  public FastBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /**
   * Set this system property to {@code true} to compute with DL4J's own implementation (for
   * before/after measurements: bench.sh).
   */
  public static final String DL4J_PROPERTY = "mishbench.batchnorm.dl4j";

  private static final boolean DL4J = Boolean.getBoolean(DL4J_PROPERTY);

  /** Whether training on {@code x} takes the fast path (else it is DL4J's batch norm). */
  boolean fast(INDArray x) {
    var c = layerConf();
    return !DL4J && !gpuHelper() && !c.isLockGammaBeta() && c.getCnn2DFormat() == CNN2DFormat.NCHW
        && x != null && x.rank() == 4 && x.dataType() == DataType.FLOAT
        && Nd4j.getEnvironment().isCPU() && x.length() * 4 <= Integer.MAX_VALUE;
  }

  /**
   * Whether DL4J gave this layer a helper other than oneDNN's (cuDNN): that one is used. oneDNN's
   * (the -onednn CPU builds) is not: these passes were faster than it (BENCHMARKS.md).
   */
  private boolean gpuHelper() {
    return getHelper() != null && !getHelper().getClass().getSimpleName().startsWith("MKLDNN");
  }

  private static boolean dense(INDArray a) {
    return a.ordering() == 'c' && a.elementWiseStride() == 1;
  }

  /** The activation after the normalisation; null for none (identity). */
  private IActivation activation() {
    IActivation f = layerConf().getActivationFn();
    return f == null || f instanceof ActivationIdentity ? null : f;
  }

  /** The activation when the fused loops can apply it, else null (then it is applied after DL4J's batch norm). */
  private StableActivation fusedActivation() {
    return activation() instanceof StableActivation f ? f : null;
  }

  /** Whether this layer computes with its own loops: the fast path, with no activation or one that fuses. */
  private boolean fused(INDArray x) {
    return fast(x) && (activation() == null || fusedActivation() != null);
  }

  /** The input seen as [N, C, P] (P = H x W), its channels checked against the configuration. */
  private record Planes(int n, int c, int p) {}

  private Planes planes() {
    Planes g = new Planes((int) input.size(0), (int) input.size(1), (int) (input.size(2) * input.size(3)));
    if (g.c() != layerConf().getNOut()) {
      throw new IllegalArgumentException(layerId() + ": input has " + g.c() + " channels, expected " + layerConf().getNOut());
    }
    return g;
  }

  /**
   * {@code f(gamma (x - mean) / sqrt(var + eps) + beta)} in one pass into a new activations array
   * ({@link BatchNormKernels#affine}); fills {@code invStd} and the per-channel scale {@code a} and shift
   * {@code b} it used.
   */
  private INDArray normalise(ByteBuffer x, Planes g, double[] mean, double[] var, double[] invStd, float[] a, float[] b,
      LayerWorkspaceMgr mgr) {
    double[] gamma = values(getParam(BatchNormalizationParamInitializer.GAMMA));
    double[] beta = values(getParam(BatchNormalizationParamInitializer.BETA));
    double eps = layerConf().getEps();
    for (int ch = 0; ch < g.c(); ch++) {
      invStd[ch] = 1 / Math.sqrt(var[ch] + eps);
      a[ch] = (float) (gamma[ch] * invStd[ch]);
      b[ch] = (float) (beta[ch] - mean[ch] * gamma[ch] * invStd[ch]);
    }
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, input.shape(), 'c');
    BatchNormKernels.affine(x, BatchNormKernels.bytes(out), g.n(), g.c(), g.p(), a, b, fusedActivation());
    fastPasses++;
    return out;
  }

  /**
   * Inference with the running statistics, one pass ({@link #normalise}). DL4J's own inference keeps
   * x - mean and the normalised values in two arrays it detaches from the workspace, fresh memory on
   * every call.
   */
  private INDArray infer(LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    Planes g = planes();
    double[] mean = values(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
    double[] var;
    if (layerConf().isUseLogStd()) {
      var = values(getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
      for (int ch = 0; ch < g.c(); ch++) {
        double std = Math.pow(10, var[ch]);
        var[ch] = std * std;
      }
    } else {
      var = values(getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
    }
    INDArray in = dense(input) ? input : mgr.dup(ArrayType.FF_WORKING_MEM, input, 'c');
    return normalise(BatchNormKernels.bytes(in), g, mean, var, new double[g.c()], new float[g.c()], new float[g.c()], mgr);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    last = null;
    boolean fused = fused(input);
    if (fused && !training) {
      return infer(mgr);
    }
    if (!fused) {
      INDArray z = super.activate(training, mgr);
      IActivation f = activation();
      return f == null ? z : f.getActivation(z, training);
    }
    assertInputSet(false);
    Planes g = planes();
    double[] mean = new double[g.c()];
    double[] var = new double[g.c()];
    // kept for the backward pass: DL4J's batch norm keeps its x - mean and xhat in the same workspace
    INDArray in = dense(input) ? input : mgr.dup(ArrayType.INPUT, input, 'c');
    ByteBuffer x = BatchNormKernels.bytes(in);
    BatchNormKernels.stats(x, g.n(), g.c(), g.p(), mean, var);
    double[] invStd = new double[g.c()];
    float[] a = new float[g.c()];
    float[] b = new float[g.c()];
    INDArray out = normalise(x, g, mean, var, invStd, a, b, mgr);
    last = new Stats(input, in, mean, var, invStd, a, b);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    Stats s = last;
    last = null;
    if (s == null || s.input() != input || !fused(input) || epsilon.dataType() != DataType.FLOAT) {
      IActivation f = activation();
      if (f == null) {
        return super.backpropGradient(epsilon, mgr);
      }
      // DL4J's batch norm, then the activation: recompute the normalised values (this also sets what
      // DL4J's backward pass reads) and take the activation's gradient through them
      INDArray z = super.activate(true, mgr);
      return super.backpropGradient(f.backprop(z, epsilon).getFirst(), mgr);
    }
    assertInputSet(true);
    INDArray dy = dense(epsilon) ? epsilon : mgr.dup(ArrayType.BP_WORKING_MEM, epsilon, 'c');
    int n = (int) input.size(0);
    int c = (int) input.size(1);
    int p = (int) (input.size(2) * input.size(3));
    double count = (double) n * p;
    ByteBuffer x = BatchNormKernels.bytes(s.dense());
    double[] sumDy = new double[c];
    double[] sumDyXmu = new double[c];
    INDArray epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    ByteBuffer g;
    StableActivation f = fusedActivation();
    if (f == null) {
      g = BatchNormKernels.bytes(dy);
      BatchNormKernels.gradientSums(g, x, n, c, p, s.mean(), sumDy, sumDyXmu);
    } else {
      // the gradient with respect to the normalised values goes into epsNext, and is overwritten there
      // element by element by the input gradient below
      g = BatchNormKernels.bytes(epsNext);
      BatchNormKernels.activationGradientSums(BatchNormKernels.bytes(dy), x, g, n, c, p, s.scale(), s.shift(), f,
          s.mean(), sumDy, sumDyXmu);
    }
    double[] gamma = values(getParam(BatchNormalizationParamInitializer.GAMMA));
    double[] dGamma = new double[c];
    float[] a = new float[c];
    float[] b = new float[c];
    float[] d = new float[c];
    for (int ch = 0; ch < c; ch++) {
      double is = s.invStd()[ch];
      dGamma[ch] = sumDyXmu[ch] * is;
      double ac = gamma[ch] * is;
      double bc = -gamma[ch] * is * is * is * sumDyXmu[ch] / count;
      a[ch] = (float) ac;
      b[ch] = (float) bc;
      d[ch] = (float) (-ac * sumDy[ch] / count - bc * s.mean()[ch]);
    }
    BatchNormKernels.inputGradient(g, x, BatchNormKernels.bytes(epsNext), n, c, p, a, b, d);

    Gradient gradient = new DefaultGradient();
    INDArray dGammaView = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
    INDArray dBetaView = gradientViews.get(BatchNormalizationParamInitializer.BETA);
    assign(dGammaView, dGamma);
    assign(dBetaView, sumDy);
    gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
    gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);

    // DL4J's running statistics: global[t+1] = global[t] - "gradient", with the plain SGD-like step its updater takes
    double decay = layerConf().getDecay();
    double[] globalMean = values(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
    double[] dMean = new double[c];
    for (int ch = 0; ch < c; ch++) {
      dMean[ch] = (globalMean[ch] - s.mean()[ch]) * (1 - decay);
    }
    INDArray dGlobalMeanView = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
    assign(dGlobalMeanView, dMean);
    gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dGlobalMeanView);
    if (layerConf().isUseLogStd()) {
      double[] log10Std = values(getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
      double[] dLog = new double[c];
      for (int ch = 0; ch < c; ch++) {
        double std = Math.pow(10, log10Std[ch]);
        double vari = std * std;
        double next = vari * decay + s.var()[ch] * (1 - decay);
        dLog[ch] = Math.log(vari / next) * ONE_ON_2LOGE_10;
      }
      INDArray view = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
      assign(view, dLog);
      gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, view);
    } else {
      double[] globalVar = values(getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
      double[] dVar = new double[c];
      for (int ch = 0; ch < c; ch++) {
        dVar[ch] = (globalVar[ch] - s.var()[ch]) * (1 - decay);
      }
      INDArray view = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
      assign(view, dVar);
      gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, view);
    }
    return new Pair<>(gradient, epsNext);
  }

  private static double[] values(INDArray a) {
    return a.dup().castTo(DataType.DOUBLE).data().asDouble();
  }

  private static void assign(INDArray view, double[] values) {
    view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
  }
}
