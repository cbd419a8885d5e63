package io.mishbench.model;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The computation of {@link GroupedConv2D}: im2col and one batched matrix product over (example,
 * group) pairs, with the backward pass written out by hand.
 *
 * <p>For an input [N, C, H, W], G groups, K = Cg kH kW and P = oH oW output positions, im2col's
 * natural output [N, C, kH, kW, oH, oW] is, unchanged, [N G, K, P]: one contiguous [K, P] block per
 * example and group. The weights [G, Og, K] are repeated N times to [N G, Og, K] (they are small), so
 * that {@code out[n, g] = W_g cols[n, g]} is one batched product whose result [N G, Og, P] is already
 * the output [N, O, oH, oW]. (Writing im2col into a permuted layout that would allow one 2-D product
 * per group, as DL4J's ConvolutionLayer does, is over ten times slower in libnd4j 1.0.0-M2.1.)
 *
 * <p>Backward, with the output gradient [N, O, oH, oW] = [N G, Og, P]:
 * {@code dW_g = sum_n dOut[n, g] cols[n, g]^T} (a batched product, then a sum over examples),
 * {@code dCols[n, g] = W_g^T dOut[n, g]} written over the columns (no longer needed), and col2im sums
 * the columns into the input gradient. The columns are recomputed in backward rather than kept from
 * forward, so nothing but the input (which DL4J keeps anyway) lives between the two passes.
 */
final class GroupedConv2DLayer extends BaseLayer<GroupedConv2D> {

  private static final long serialVersionUID = 1L;

  GroupedConv2DLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return false;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    checkInput();
    GroupedConv2D c = layerConf();
    long n = input.size(0);
    long oH = c.outSize(input.size(2));
    long oW = c.outSize(input.size(3));
    INDArray w = repeated(workspaceMgr, ArrayType.FF_WORKING_MEM, training, n);
    INDArray cols = columns(workspaceMgr, ArrayType.FF_WORKING_MEM, n, oH, oW);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[] {n, c.getNOut(), oH, oW}, 'c');
    Nd4j.matmul(w, cols, out.reshape('c', w.size(0), w.size(1), oH * oW), false, false, false);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    GroupedConv2D c = layerConf();
    long n = input.size(0);
    long h = input.size(2);
    long wd = input.size(3);
    long oH = c.outSize(h);
    long oW = c.outSize(wd);
    int groups = c.groups();
    long og = c.getNOut() / groups;

    // [N, O, oH, oW] = [N G, Og, P], copied when not contiguous (or a view with an offset: see own(...))
    INDArray dOut = epsilon;
    if (dOut.ordering() != 'c' || dOut.offset() != 0 || !Arrays.equals(dOut.stride(), Nd4j.getStrides(dOut.shape(), 'c'))) {
      dOut = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), epsilon.shape(), 'c').assign(epsilon);
    }
    dOut = dOut.reshape('c', n * groups, og, oH * oW);

    INDArray w = repeated(workspaceMgr, ArrayType.BP_WORKING_MEM, true, n);
    INDArray cols = columns(workspaceMgr, ArrayType.BP_WORKING_MEM, n, oH, oW);
    INDArray dWEach = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, w.dataType(), w.shape(), 'c');
    Nd4j.matmul(dOut, cols, dWEach, false, true, false);
    INDArray dW = gradientViews.get(GroupedConv2DParamInitializer.WEIGHT_KEY);
    dW.assign(dWEach.reshape('c', n, dW.length()).sum(0).reshape('c', dW.shape()));
    Nd4j.matmul(w, dOut, cols, true, false, false);

    INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    int k = c.kernel();
    int s = c.stride();
    int p = c.padding();
    Convolution.col2im(cols.reshape('c', n, input.size(1), k, k, oH, oW), epsNext, s, s, p, p, (int) h, (int) wd, 1, 1);

    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(GroupedConv2DParamInitializer.WEIGHT_KEY, dW, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, backpropDropOutIfPresent(epsNext));
  }

  /** The weights [G, Og, K] repeated for every example: [N G, Og, K]. */
  private INDArray repeated(LayerWorkspaceMgr workspaceMgr, ArrayType type, boolean training, long n) {
    INDArray w = own(workspaceMgr, type, getParamWithNoise(GroupedConv2DParamInitializer.WEIGHT_KEY, training, workspaceMgr));
    INDArray rows = workspaceMgr.createUninitialized(type, w.dataType(), new long[] {n, w.length()}, 'c');
    rows.putiRowVector(w.reshape('c', 1, w.length()));
    return rows.reshape('c', n * w.size(0), w.size(1), w.size(2));
  }

  /**
   * A contiguous copy of {@code view} (a parameter or gradient view into DL4J's flattened array):
   * slices and reshapes of such views of views have wrong offsets in ND4J 1.0.0-M2.1 (the last
   * group's slice reads past the view or fails as empty), so the layer works on this copy.
   */
  private static INDArray own(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray view) {
    return workspaceMgr.createUninitialized(type, view.dataType(), view.shape(), 'c').assign(view);
  }

  /** im2col of the input into a new [N G, K, P] array of {@code type} (layout in the class comment). */
  private INDArray columns(LayerWorkspaceMgr workspaceMgr, ArrayType type, long n, long oH, long oW) {
    GroupedConv2D c = layerConf();
    int k = c.kernel();
    int s = c.stride();
    int p = c.padding();
    long channels = input.size(1);
    INDArray cols = workspaceMgr.createUninitialized(type, input.dataType(), new long[] {n, channels, k, k, oH, oW}, 'c');
    Convolution.im2col(input, k, k, s, s, p, p, 1, 1, false, cols);
    int groups = c.groups();
    return cols.reshape('c', n * groups, channels / groups * k * k, oH * oW);
  }

  private void checkInput() {
    if (input.rank() != 4 || input.size(1) != layerConf().getNIn()) {
      throw new DL4JInvalidInputException("GroupedConv2D " + layerId() + " expects [minibatch, " + layerConf().getNIn()
          + ", height, width], got " + Arrays.toString(input.shape()));
    }
  }
}
