package io.mishbench.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * Grouped 2-D convolution (no bias, zero padding kernel / 2 on every side as {@link Blocks#conv},
 * NCHW) as one DL4J layer, which DL4J does not have: im2col of the input, then one batched matrix
 * product with the groups as the batch.
 *
 * <p>With C = groups x Cg input and O = groups x Og output channels, the weight {@code W} is
 * [groups, Og, Cg x kH x kW] and output channel g x Og + o reads only input channels g x Cg ..
 * (g + 1) x Cg - 1, exactly PyTorch's and Darknet's {@code groups}.
 *
 * <p>Not used for training; kept only as a row of {@link GroupedConvBenchmark}. Its forward pass
 * equals a direct per-group convolution (tested), but the weight gradient SameDiff derives for it
 * inside DL4J 1.0.0-M2.1 disagrees with finite differences by a factor that changes with the group
 * count and the batch size. The zoo uses {@link GroupedConv2D}, the same im2col scheme as a native
 * DL4J layer with a hand-written, gradient-checked backward pass.
 */
public final class GroupedConvolution extends SameDiffLayer {

  private static final long serialVersionUID = 1L;

  private long nIn;
  private long nOut;
  private int kernel;
  private int stride;
  private int groups;
  private long inHeight;
  private long inWidth;

  /** For DL4J's JSON reader. */
  private GroupedConvolution() {}

  /**
   * @throws IllegalArgumentException when the channels do not split into {@code groups}
   */
  public GroupedConvolution(long nIn, long nOut, int kernel, int stride, int groups) {
    if (groups < 1 || nIn % groups != 0 || nOut % groups != 0 || kernel < 1 || stride < 1) {
      throw new IllegalArgumentException("grouped convolution " + nIn + " -> " + nOut + " channels, kernel " + kernel
          + ", stride " + stride + ": channels must split into " + groups + " groups, kernel and stride >= 1");
    }
    this.nIn = nIn;
    this.nOut = nOut;
    this.kernel = kernel;
    this.stride = stride;
    this.groups = groups;
    this.weightInit = WeightInit.RELU;
  }

  public long nIn() {
    return nIn;
  }

  public long nOut() {
    return nOut;
  }

  public int kernel() {
    return kernel;
  }

  public int groups() {
    return groups;
  }

  /** Weights: groups x Og x Cg x kernel^2 = nIn x nOut x kernel^2 / groups. */
  public long weightCount() {
    return nIn / groups * nOut * kernel * kernel;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
    return InputType.convolutional(outSize(in.getHeight()), outSize(in.getWidth()), nOut);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
    if (in.getChannels() != nIn) {
      throw new IllegalArgumentException("grouped convolution expects " + nIn + " input channels, got " + in.getChannels());
    }
    inHeight = in.getHeight();
    inWidth = in.getWidth();
  }

  @Override
  public void defineParameters(SDLayerParams params) {
    params.clear();
    params.addWeightParam("W", groups, nOut / groups, nIn / groups * kernel * kernel);
  }

  @Override
  public void initializeParameters(Map<String, INDArray> params) {
    int fanIn = (int) (nIn / groups * kernel * kernel);
    initWeights(fanIn, (int) (nOut / groups * kernel * kernel), weightInit, params.get("W"));
  }

  @Override
  public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
    long outH = outSize(inHeight);
    long outW = outSize(inWidth);
    long cg = nIn / groups;
    long og = nOut / groups;
    Conv2DConfig conf = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride)
        .pH(kernel / 2).pW(kernel / 2).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
    // [b, C, kH, kW, oH, oW] -> [b, G, Cg*kH*kW, oH*oW] -> [G, Cg*kH*kW, b, oH*oW] -> [G, K, b*P]
    SDVariable cols = sd.cnn().im2Col(input, conf);
    SDVariable grouped = cols.reshape(-1, groups, cg * kernel * kernel, outH * outW)
        .permute(1, 2, 0, 3)
        .reshape(groups, cg * kernel * kernel, -1);
    // [G, Og, K] x [G, K, b*P] = [G, Og, b*P] -> [b, G, Og, P] -> [b, O, oH, oW]
    SDVariable out = sd.mmul(params.get("W"), grouped);
    return out.reshape(groups, og, -1, outH * outW)
        .permute(2, 0, 1, 3)
        .reshape(-1, nOut, outH, outW);
  }

  private long outSize(long in) {
    return (in + 2 * (kernel / 2) - kernel) / stride + 1;
  }
}
