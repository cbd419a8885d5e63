package io.mishbench.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ConvolutionLayer} configuration, the same in every respect (parameters, their
 * initialisation and layout, output shapes, JSON apart from the class name, what {@link ModelCounter}
 * counts), whose layer is a {@link GemmConvolutionLayer}: on ND4J's CPU backend without a helper it
 * computes the convolution with contiguous im2col and one matrix product per image instead of DL4J's
 * im2col into a permuted view, which dominated training time (BENCHMARKS.md, "Where the time goes").
 * The zoo builds every ungrouped convolution with it ({@link Blocks#conv}).
 */
public class GemmConvolution extends ConvolutionLayer {

  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON reader. */
  public GemmConvolution() {}

  private GemmConvolution(Builder builder) {
    super(builder);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNInNOutSet("GemmConvolution", getLayerName(), layerIndex, getNIn(), getNOut());
    GemmConvolutionLayer layer = new GemmConvolutionLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  /** {@link ConvolutionLayer.Builder} building a {@link GemmConvolution}. */
  public static final class Builder extends ConvolutionLayer.Builder {

    public Builder(int... kernelSize) {
      super(kernelSize);
    }

    @Override
    @SuppressWarnings("unchecked")
    public GemmConvolution build() {
      ConvolutionUtils.validateConvolutionModePadding(convolutionMode, padding);
      ConvolutionUtils.validateCnnKernelStridePadding(kernelSize, stride, padding);
      return new GemmConvolution(this);
    }
  }
}
