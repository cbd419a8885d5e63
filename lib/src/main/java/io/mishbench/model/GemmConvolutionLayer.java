package io.mishbench.model;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The layer of {@link GemmConvolution}: a 2-D convolution (NCHW, any kernel, stride and padding, no
 * dilation) computed as contiguous im2col, shaped [N, C, kH, kW, oH, oW], followed by one matrix
 * product per image, out[n] (O x P) = W (O x C kH kW) . col[n] (C kH kW x P), P = oH oW; a 1x1
 * convolution without padding needs no im2col at all (stride 1: the input itself, stride s: every
 * s-th pixel). For float32 maps of fewer than {@link #BATCHED_BELOW_POSITIONS} positions (the later
 * stages at 224 px, every layer at 32 px) the minibatch is moved next to the positions instead,
 * [K, N P], and each pass is one product over all images, whose long side the BLAS runs near its peak. The backward pass is the same products transposed: dW = sum over n of
 * delta[n] . col[n]^T, dcol[n] = W^T . delta[n], then col2im (a 1x1 one scatters into the
 * input's pixels directly).
 *
 * <p>DL4J's own implementation writes im2col into a permuted view, [N, oH, oW, C, kH, kW] seen as
 * [N, C, kH, kW, oH, oW], so that one product covers the minibatch; libnd4j's im2col is slow on
 * such strides, and it goes through im2col for 1x1 convolutions too. With cuDNN (CUDA), with
 * dilation, 'Same' mode or NHWC data, this layer is exactly DL4J's; with oneDNN's helper (the -onednn
 * CPU builds) it is DL4J's for calls of {@link #ONEDNN_FROM_MACS} multiply-accumulates and more.
 */
public class GemmConvolutionLayer extends ConvolutionLayer {

  public GemmConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /**
   * Set this system property to {@code true} to compute with DL4J's own implementation (for
   * before/after measurements: bench.sh).
   */
  public static final String DL4J_PROPERTY = "mishbench.convolution.dl4j";

  private static final boolean DL4J = Boolean.getBoolean(DL4J_PROPERTY);

  /**
   * Multiply-accumulates of one call below which this layer computes even when oneDNN's helper is
   * there (the -onednn CPU builds): oneDNN sets up its primitives on every call, which costs more than
   * small convolutions (the quickstart's network at 32x32 trained at 0.69x the speed with it), while on
   * full-size ones at 224x224 (all above 4e8 per call at batch 16) it is the faster (BENCHMARKS.md).
   */
  static final long ONEDNN_FROM_MACS = 1L << 27;

  /**
   * Output positions per image (oH x oW) below which the layer computes the whole minibatch with one
   * matrix product per pass instead of one per image: products with a short side of 49 or 196 run at
   * about half of the rate of long ones (BENCHMARKS.md), so for small maps moving the minibatch next to
   * the positions ([K, N, P], [O, N, P], one copy each way) costs less than it saves.
   */
  static final int BATCHED_BELOW_POSITIONS = 400;

  /**
   * Set this system property to {@code true} to compute one product per image at every size (before/after
   * measurements: bench.sh); read when the layer is made, so one process can build both.
   */
  public static final String PER_IMAGE_PROPERTY = "mishbench.convolution.per-image";

  private final boolean perImage = Boolean.getBoolean(PER_IMAGE_PROPERTY);

  /** Forward passes computed over the whole minibatch at once (tests check which path ran). */
  int batchedPasses;

  /** Whether this layer's configuration and backend can take the GEMM path (else it is DL4J's ConvolutionLayer). */
  boolean computesWithGemm() {
    var c = layerConf();
    return !DL4J && (helper == null || oneDnnHelper())
        && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
        && c.getConvolutionMode() != ConvolutionMode.Same
        && c.getDilation()[0] == 1 && c.getDilation()[1] == 1;
  }

  private boolean oneDnnHelper() {
    return helper != null && helper.getClass().getSimpleName().startsWith("MKLDNN");
  }

  private boolean fastPath() {
    if (!computesWithGemm() || input == null || input.rank() != 4) {
      return false;
    }
    if (helper == null) {
      return true;
    }
    INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
    long macsPerOutputPixel = w.length(); // O x C x kH x kW
    long outputPixels = input.size(0) * input.size(2) * input.size(3)
        / ((long) layerConf().getStride()[0] * layerConf().getStride()[1]);
    return macsPerOutputPixel * outputPixels < ONEDNN_FROM_MACS;
  }

  /** Shapes of one call, from the input and the configuration. */
  private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw,
      int oh, int ow) {
    long k() {
      return (long) c * kh * kw;
    }

    long p() {
      return (long) oh * ow;
    }

    boolean pointwise() {
      return kh == 1 && kw == 1 && ph == 0 && pw == 0;
    }
  }

  private Geometry geometry(INDArray weights) {
    var conf = layerConf();
    int[] kernel = conf.getKernelSize();
    int[] stride = conf.getStride();
    int[] pad = conf.getPadding();
    int[] out = ConvolutionUtils.getOutputSize(input, kernel, stride, pad, conf.getConvolutionMode(), conf.getDilation());
    if (input.size(1) != weights.size(1)) {
      throw new IllegalArgumentException(layerId() + ": input has " + input.size(1) + " channels, the layer expects "
          + weights.size(1));
    }
    return new Geometry((int) input.size(0), (int) input.size(1), (int) input.size(2), (int) input.size(3),
        (int) weights.size(0), kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], out[0], out[1]);
  }

  /**
   * The columns the products read, [N, C kH kW, P] in 'c' order: the input itself (1x1, stride 1), its
   * every s-th pixel (1x1, stride s) or im2col of it.
   */
  private INDArray columns(Geometry g, LayerWorkspaceMgr mgr, ArrayType working) {
    if (g.pointwise()) {
      INDArray x = g.sh == 1 && g.sw == 1 ? input
          : input.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, g.sh, g.h),
              NDArrayIndex.interval(0, g.sw, g.w));
      if (!x.isView() && x.ordering() == 'c') {
        return x.reshape('c', g.n, g.k(), g.p());
      }
      return mgr.dup(working, x, 'c').reshape('c', g.n, g.k(), g.p());
    }
    INDArray col = mgr.createUninitialized(working, input.dataType(), new long[] {g.n, g.c, g.kh, g.kw, g.oh, g.ow}, 'c');
    Convolution.im2col(input, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, 1, 1, false, col);
    return col.reshape('c', g.n, g.k(), g.p());
  }

  /** Whether this call multiplies the whole minibatch at once ({@link #BATCHED_BELOW_POSITIONS}). */
  private boolean batched(Geometry g) {
    return !perImage && g.n > 1 && g.p() < BATCHED_BELOW_POSITIONS && (!g.pointwise() || g.sh == 1 && g.sw == 1)
        && input.dataType() == DataType.FLOAT
        && (long) Math.max(g.k(), g.o) * g.n * g.p() * 4 <= Integer.MAX_VALUE;
  }

  /**
   * {@code src} [A, B, P] into {@code dst} [B, A, P], both dense float32 'c' arrays: A x B copies of P
   * consecutive floats, in parallel.
   */
  static void swapOuter(INDArray src, INDArray dst, int a, int b, int p) {
    ByteBuffer from = BatchNormKernels.bytes(src);
    ByteBuffer to = BatchNormKernels.bytes(dst);
    int row = p * 4;
    IntStream.range(0, a * b).parallel().forEach(r -> {
      int i = r / b;
      int j = r % b;
      to.put((j * a + i) * row, from, r * row, row);
    });
  }

  private static INDArray contiguous(INDArray a) {
    return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
  }

  /** The columns as [K, N P]: the minibatch next to the positions, for one product over all images. */
  private static INDArray transposedColumns(Geometry g, INDArray cols, LayerWorkspaceMgr mgr, ArrayType type) {
    INDArray colsT = mgr.createUninitialized(type, cols.dataType(), new long[] {g.k(), (long) g.n * g.p()}, 'c');
    swapOuter(cols, colsT, g.n, (int) g.k(), (int) g.p());
    return colsT;
  }

  @Override
  protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr mgr) {
    if (!fastPath()) {
      return super.preOutput(training, forBackprop, mgr);
    }
    assertInputSet(false);
    INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, mgr);
    Geometry g = geometry(weights);
    INDArray w2d = contiguous(weights).reshape('c', g.o, g.k());
    INDArray cols = columns(g, mgr, ArrayType.FF_WORKING_MEM);
    INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(), new long[] {g.n, g.o, g.oh, g.ow}, 'c');
    INDArray z3d = z.reshape('c', g.n, g.o, g.p());
    if (batched(g)) {
      INDArray colsT = transposedColumns(g, cols, mgr, ArrayType.FF_WORKING_MEM);
      INDArray zT = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, z.dataType(), new long[] {g.o, (long) g.n * g.p()}, 'c');
      Nd4j.gemm(w2d, colsT, zT, false, false, 1.0, 0.0);
      swapOuter(zT, z3d, g.o, g.n, (int) g.p());
      batchedPasses++;
    } else {
      for (int i = 0; i < g.n; i++) {
        Nd4j.gemm(w2d, cols.get(NDArrayIndex.point(i)), z3d.get(NDArrayIndex.point(i)), false, false, 1.0, 0.0);
      }
    }
    if (layerConf().hasBias()) {
      INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, mgr);
      Nd4j.getExecutioner().exec(new BroadcastAddOp(z, bias.reshape(g.o), z, 1));
    }
    return new Pair<>(z, null);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    if (!fastPath()) {
      return super.backpropGradient(epsilon, mgr);
    }
    assertInputSet(true);
    INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, mgr);
    Geometry g = geometry(weights);
    IActivation afn = layerConf().getActivationFn();
    INDArray delta = afn instanceof ActivationIdentity ? epsilon
        : afn.backprop(preOutput(true, true, mgr).getFirst(), epsilon).getFirst();
    INDArray delta3d = contiguous(delta).reshape('c', g.n, g.o, g.p());
    INDArray w2d = contiguous(weights).reshape('c', g.o, g.k());
    INDArray cols = columns(g, mgr, ArrayType.BP_WORKING_MEM);

    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
    INDArray dw2d = weightGrad.reshape('c', g.o, g.k());
    if (batched(g)) {
      return batchedBackprop(g, delta3d, w2d, cols, weightGrad, dw2d, mgr);
    }
    for (int i = 0; i < g.n; i++) {
      Nd4j.gemm(delta3d.get(NDArrayIndex.point(i)), cols.get(NDArrayIndex.point(i)), dw2d, false, true, 1.0,
          i == 0 ? 0.0 : 1.0);
    }
    if (dw2d.isView() && dw2d.data() != weightGrad.data()) {
      weightGrad.assign(dw2d.reshape(weightGrad.shape()));
    }

    INDArray epsNext;
    if (g.pointwise() && g.sh == 1 && g.sw == 1) {
      epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), new long[] {g.n, g.c, g.h, g.w}, 'c');
      INDArray e3d = epsNext.reshape('c', g.n, g.c, g.p());
      for (int i = 0; i < g.n; i++) {
        Nd4j.gemm(w2d, delta3d.get(NDArrayIndex.point(i)), e3d.get(NDArrayIndex.point(i)), true, false, 1.0, 0.0);
      }
    } else {
      INDArray dcols = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, input.dataType(), new long[] {g.n, g.k(), g.p()}, 'c');
      for (int i = 0; i < g.n; i++) {
        Nd4j.gemm(w2d, delta3d.get(NDArrayIndex.point(i)), dcols.get(NDArrayIndex.point(i)), true, false, 1.0, 0.0);
      }
      if (g.pointwise()) { // 1x1, stride s: the gradient reaches every s-th pixel only
        epsNext = mgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), new long[] {g.n, g.c, g.h, g.w}, 'c');
        epsNext.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, g.sh, g.h),
            NDArrayIndex.interval(0, g.sw, g.w)).assign(dcols.reshape('c', g.n, g.c, g.oh, g.ow));
      } else {
        epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), new long[] {g.n, g.c, g.h, g.w}, 'c');
        Convolution.col2im(dcols.reshape('c', g.n, g.c, g.kh, g.kw, g.oh, g.ow), epsNext, g.sh, g.sw, g.ph, g.pw, g.h, g.w,
            1, 1);
      }
    }

    return gradients(g, delta3d, weightGrad, epsNext);
  }

  /**
   * The backward pass with one product per pass over the whole minibatch: with deltaT = delta as
   * [O, N P] and colsT = the columns as [K, N P], dW = deltaT . colsT^T and dColsT = W^T . deltaT,
   * which goes back to [N, K, P] (then col2im) or, for a 1x1 convolution, is the input gradient.
   */
  private Pair<Gradient, INDArray> batchedBackprop(Geometry g, INDArray delta3d, INDArray w2d, INDArray cols,
      INDArray weightGrad, INDArray dw2d, LayerWorkspaceMgr mgr) {
    long np = (long) g.n * g.p();
    INDArray deltaT = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, delta3d.dataType(), new long[] {g.o, np}, 'c');
    swapOuter(delta3d, deltaT, g.n, g.o, (int) g.p());
    INDArray colsT = transposedColumns(g, cols, mgr, ArrayType.BP_WORKING_MEM);
    Nd4j.gemm(deltaT, colsT, dw2d, false, true, 1.0, 0.0);
    if (dw2d.isView() && dw2d.data() != weightGrad.data()) {
      weightGrad.assign(dw2d.reshape(weightGrad.shape()));
    }
    Nd4j.gemm(w2d, deltaT, colsT, true, false, 1.0, 0.0); // dColsT over colsT, no longer needed
    INDArray epsNext = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), new long[] {g.n, g.c, g.h, g.w}, 'c');
    if (g.pointwise()) {
      swapOuter(colsT, epsNext, g.c, g.n, (int) g.p());
    } else {
      INDArray dcols = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, input.dataType(), new long[] {g.n, g.k(), g.p()}, 'c');
      swapOuter(colsT, dcols, (int) g.k(), g.n, (int) g.p());
      Convolution.col2im(dcols.reshape('c', g.n, g.c, g.kh, g.kw, g.oh, g.ow), epsNext, g.sh, g.sw, g.ph, g.pw, g.h, g.w,
          1, 1);
    }
    return gradients(g, delta3d, weightGrad, epsNext);
  }

  private Pair<Gradient, INDArray> gradients(Geometry g, INDArray delta3d, INDArray weightGrad, INDArray epsNext) {
    Gradient gradient = new DefaultGradient();
    if (layerConf().hasBias()) {
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      delta3d.sum(biasGrad.reshape(g.o), 0, 2);
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, epsNext);
  }
}
