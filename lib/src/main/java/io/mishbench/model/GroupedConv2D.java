package io.mishbench.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Grouped 2-D convolution (ResNeXt's cardinality), which DL4J lacks, as one native DL4J layer with a
 * hand-written backward pass ({@link GroupedConv2DLayer}): no bias, zero padding kernel / 2 on every
 * side as {@link Blocks#conv}, NCHW, always linear (batch norm and the activation follow as their own
 * layers).
 *
 * <p>With C = groups x Cg input and O = groups x Og output channels, the single parameter {@code W}
 * is [groups, Og, Cg x kernel x kernel] and output channel g x Og + o reads only input channels
 * g x Cg .. (g + 1) x Cg - 1, exactly PyTorch's and Darknet's {@code groups}; {@code W[g, o]} reshaped
 * to [Cg, kernel, kernel] is that output channel's kernel in the layout of a {@code ConvolutionLayer}.
 *
 * <p>Saved like DL4J's own layers: DL4J 1.0.0-M2.1 writes layer configurations with their class name
 * ({@code "@class"}), so no registration is needed, and Jackson reads the annotated fields back
 * through the private constructor.
 */
public final class GroupedConv2D extends FeedForwardLayer {

  private static final long serialVersionUID = 1L;

  // DL4J's JSON mapper sees only properties with getters or this annotation
  @JsonProperty private int kernel;
  @JsonProperty private int stride;
  @JsonProperty private int groups;

  /** For DL4J's JSON reader. */
  private GroupedConv2D() {}

  /**
   * @param nIn input channels, divisible by {@code groups}
   * @param nOut output channels, divisible by {@code groups}
   * @param kernel square kernel side, >= 1
   * @param stride the same in both directions, >= 1
   * @param groups 1 for an ordinary convolution
   * @throws IllegalArgumentException when the channels do not split into {@code groups}
   */
  public GroupedConv2D(long nIn, long nOut, int kernel, int stride, int groups) {
    if (groups < 1 || nIn < 1 || nOut < 1 || nIn % groups != 0 || nOut % groups != 0 || kernel < 1 || stride < 1) {
      throw new IllegalArgumentException("grouped convolution " + nIn + " -> " + nOut + " channels, kernel " + kernel
          + ", stride " + stride + ": channels must split into " + groups + " groups, kernel and stride >= 1");
    }
    this.nIn = nIn;
    this.nOut = nOut;
    this.kernel = kernel;
    this.stride = stride;
    this.groups = groups;
    this.activationFn = new ActivationIdentity();
  }

  public int kernel() {
    return kernel;
  }

  public int stride() {
    return stride;
  }

  public int groups() {
    return groups;
  }

  /** Padding on every side: kernel / 2. */
  public int padding() {
    return kernel / 2;
  }

  /** Weights: groups x Og x Cg x kernel^2 = nIn x nOut x kernel^2 / groups (the layer's only parameters). */
  public long weightCount() {
    return nIn / groups * nOut * kernel * kernel;
  }

  /** Output height or width for an input of {@code in} pixels: floor((in + 2 (k / 2) - k) / stride) + 1. */
  public long outSize(long in) {
    return (in + 2L * padding() - kernel) / stride + 1;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNInNOutSet("GroupedConv2D", getLayerName(), layerIndex, getNIn(), getNOut());
    if (!(activationFn instanceof ActivationIdentity)) {
      throw new IllegalArgumentException("GroupedConv2D " + getLayerName() + " is linear; got activation " + activationFn
          + " (add an ActivationLayer after it)");
    }
    GroupedConv2DLayer layer = new GroupedConv2DLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return GroupedConv2DParamInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    InputType.InputTypeConvolutional in = convolutional(inputType);
    return InputType.convolutional(outSize(in.getHeight()), outSize(in.getWidth()), nOut);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    long channels = convolutional(inputType).getChannels();
    if (nIn <= 0 || override) {
      nIn = channels;
    } else if (nIn != channels) {
      throw new IllegalArgumentException("GroupedConv2D " + getLayerName() + " expects " + nIn
          + " input channels, got " + channels);
    }
    if (nIn % groups != 0) {
      throw new IllegalArgumentException("GroupedConv2D " + getLayerName() + ": " + nIn + " input channels do not split into "
          + groups + " groups");
    }
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public List<org.nd4j.linalg.learning.regularization.Regularization> getRegularizationByParam(String paramName) {
    return GroupedConv2DParamInitializer.WEIGHT_KEY.equals(paramName) ? regularization : null;
  }

  /**
   * Parameters and updater state; working memory per example: the im2col matrix and a copy of the
   * weights in the forward pass, and in training also a second copy of the weights (each example's
   * weight gradient) and, when it is not contiguous, the output gradient (the input-gradient columns
   * reuse the im2col matrix). Nothing is cached between forward and backward.
   */
  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) getOutputType(-1, inputType);
    long params = initializer().numParams(this);
    long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(params);
    long positions = out.getHeight() * out.getWidth();
    long columns = nIn * kernel * kernel * positions;
    return new LayerMemoryReport.Builder(getLayerName(), GroupedConv2D.class, inputType, out)
        .standardMemory(params, updaterState)
        .workingMemory(0, columns + params, 0, columns + 2 * params + nOut * positions)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }

  private InputType.InputTypeConvolutional convolutional(InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional c)
        || c.getFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
      throw new IllegalArgumentException("GroupedConv2D " + getLayerName() + " takes NCHW images, got " + inputType);
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupedConv2D g && super.equals(o)
        && kernel == g.kernel && stride == g.stride && groups == g.groups;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * super.hashCode() + kernel) + stride) + groups;
  }

  @Override
  public String toString() {
    return "GroupedConv2D(" + getLayerName() + ": " + nIn + " -> " + nOut + ", kernel " + kernel + ", stride " + stride
        + ", groups " + groups + ")";
  }
}
