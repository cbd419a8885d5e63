package io.mishbench.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one parameter of {@link GroupedConv2D}: {@code W}, [groups, Og, Cg x kernel x kernel], 'c'
 * order, initialised by the layer's weight init with the fan-in and fan-out of one group's
 * convolution (as DL4J's ConvolutionParamInitializer would for that group alone).
 */
final class GroupedConv2DParamInitializer implements ParamInitializer {

  static final GroupedConv2DParamInitializer INSTANCE = new GroupedConv2DParamInitializer();

  /** DL4J's name for weights, so listeners and regularization treat it as one. */
  static final String WEIGHT_KEY = "W";

  private GroupedConv2DParamInitializer() {}

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return ((GroupedConv2D) layer).weightCount();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return List.of(WEIGHT_KEY);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of(WEIGHT_KEY);
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return Collections.emptyList();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return WEIGHT_KEY.equals(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    GroupedConv2D layer = (GroupedConv2D) conf.getLayer();
    long[] shape = shape(layer);
    INDArray w = paramsView.reshape('c', shape);
    if (initializeParams) {
      double area = (double) layer.kernel() * layer.kernel();
      double fanIn = layer.getNIn() / layer.groups() * area;
      double fanOut = layer.getNOut() / layer.groups() * area / ((double) layer.stride() * layer.stride());
      w = layer.getWeightInitFn().init(fanIn, fanOut, shape, 'c', w);
    }
    conf.addVariable(WEIGHT_KEY);
    Map<String, INDArray> params = Collections.synchronizedMap(new LinkedHashMap<>());
    params.put(WEIGHT_KEY, w);
    return params;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(WEIGHT_KEY, gradientView.reshape('c', shape((GroupedConv2D) conf.getLayer())));
    return out;
  }

  static long[] shape(GroupedConv2D layer) {
    long g = layer.groups();
    return new long[] {g, layer.getNOut() / g, layer.getNIn() / g * layer.kernel() * layer.kernel()};
  }
}
