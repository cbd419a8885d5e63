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
 * The computation of {@link GroupedConv2D}: im2col and one 2-D matrix product per group, with the
 * backward pass written out by hand.
 *
 * <p>Layouts, for an input [N, C, H, W], G groups, K = Cg kH kW and P = oH oW output positions:
 * <ul>
 *   <li>columns: [C, kH, kW, N, oH, oW] in 'c' order, which im2col fills through its permuted view
 *       [N, C, kH, kW, oH, oW] and which is, unchanged, [G, K, N P]: group g's columns are one
 *       contiguous [K, N P] block;
 *   <li>output: [O, N, oH, oW] in 'c' order = [G, Og, N P], one contiguous [Og, N P] block a group
 *       ({@code out_g = W_g cols_g}), handed on as its permuted view [N, O, oH, oW] (DL4J's own
 *       ConvolutionLayer also hands on a permuted view).
 * </ul>
 * Backward, with the output gradient regrouped to [O, N, oH, oW] = [G, Og, N P]:
 * {@code dW_g = dOut_g cols_g^T}, then {@code dCols_g = W_g^T dOut_g} written over {@code cols_g}
 * (no longer needed), and col2im sums the columns into the input gradient. The columns are
 * recomputed in backward rather than kept from forward, so nothing but the input (which DL4J keeps
 * anyway) lives between the two passes.
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
    INDArray w = own(workspaceMgr, ArrayType.FF_WORKING_MEM,
        getParamWithNoise(GroupedConv2DParamInitializer.WEIGHT_KEY, training, workspaceMgr));
    long n = input.size(0);
    long oH = c.outSize(input.size(2));
    long oW = c.outSize(input.size(3));
    int groups = c.groups();
    INDArray cols = columns(workspaceMgr, ArrayType.FF_WORKING_MEM, n, oH, oW);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[] {c.getNOut(), n, oH, oW}, 'c');
    INDArray outGroups = out.reshape('c', groups, c.getNOut() / groups, n * oH * oW);
    for (int g = 0; g < groups; g++) {
      Nd4j.gemm(w.slice(g), cols.slice(g), outGroups.slice(g), false, false, 1.0, 0.0);
    }
    return out.permute(1, 0, 2, 3);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    GroupedConv2D c = layerConf();
    INDArray w = own(workspaceMgr, ArrayType.BP_WORKING_MEM,
        getParamWithNoise(GroupedConv2DParamInitializer.WEIGHT_KEY, true, workspaceMgr));
    long n = input.size(0);
    long h = input.size(2);
    long wd = input.size(3);
    long oH = c.outSize(h);
    long oW = c.outSize(wd);
    int groups = c.groups();
    long og = c.getNOut() / groups;

    // [N, O, oH, oW] -> [O, N, oH, oW] contiguous = [G, Og, N P]; free when it is our own output's layout
    // (copied when it is a view with an offset: see own(...))
    INDArray byChannel = epsilon.permute(1, 0, 2, 3);
    if (byChannel.ordering() != 'c' || byChannel.offset() != 0
        || !Arrays.equals(byChannel.stride(), Nd4j.getStrides(byChannel.shape(), 'c'))) {
      byChannel = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, epsilon.dataType(), byChannel.shape(), 'c')
          .assign(byChannel);
    }
    INDArray dOut = byChannel.reshape('c', groups, og, n * oH * oW);

    INDArray cols = columns(workspaceMgr, ArrayType.BP_WORKING_MEM, n, oH, oW);
    INDArray dW = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, w.dataType(), w.shape(), 'c');
    for (int g = 0; g < groups; g++) {
      INDArray colsG = cols.slice(g);
      Nd4j.gemm(dOut.slice(g), colsG, dW.slice(g), false, true, 1.0, 0.0);
      Nd4j.gemm(w.slice(g), dOut.slice(g), colsG, true, false, 1.0, 0.0);
    }
    INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    int k = c.kernel();
    int s = c.stride();
    int p = c.padding();
    INDArray cols6d = cols.reshape('c', input.size(1), k, k, n, oH, oW).permute(3, 0, 1, 2, 4, 5);
    Convolution.col2im(cols6d, epsNext, s, s, p, p, (int) h, (int) wd, 1, 1);

    INDArray dWView = gradientViews.get(GroupedConv2DParamInitializer.WEIGHT_KEY);
    dWView.assign(dW);
    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(GroupedConv2DParamInitializer.WEIGHT_KEY, dWView, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, backpropDropOutIfPresent(epsNext));
  }

  /**
   * A contiguous copy of {@code view} (a parameter or gradient view into DL4J's flattened array):
   * slices of such views of views have wrong offsets in ND4J 1.0.0-M2.1 (the last group's slice
   * reads past the view or fails as empty), so the per-group matrices are cut from this copy.
   */
  private static INDArray own(LayerWorkspaceMgr workspaceMgr, ArrayType type, INDArray view) {
    return workspaceMgr.createUninitialized(type, view.dataType(), view.shape(), 'c').assign(view);
  }

  /** im2col of the input into a new [G, K, N P] array of {@code type} (layout in the class comment). */
  private INDArray columns(LayerWorkspaceMgr workspaceMgr, ArrayType type, long n, long oH, long oW) {
    GroupedConv2D c = layerConf();
    int k = c.kernel();
    int s = c.stride();
    int p = c.padding();
    long channels = input.size(1);
    INDArray cols = workspaceMgr.createUninitialized(type, input.dataType(), new long[] {channels, k, k, n, oH, oW}, 'c');
    Convolution.im2col(input, k, k, s, s, p, p, 1, 1, false, cols.permute(3, 0, 1, 2, 4, 5));
    int groups = c.groups();
    return cols.reshape('c', groups, channels / groups * k * k, n * oH * oW);
  }

  private void checkInput() {
    if (input.rank() != 4 || input.size(1) != layerConf().getNIn()) {
      throw new DL4JInvalidInputException("GroupedConv2D " + layerId() + " expects [minibatch, " + layerConf().getNIn()
          + ", height, width], got " + Arrays.toString(input.shape()));
    }
  }
}
