package io.mishbench.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link BatchNormalization} configuration, field for field, whose layer is a
 * {@link FastBatchNormalizationLayer}: the same parameters (gamma, beta, global mean, global
 * log10 std), the same running-statistics update and the same results, computed in four passes
 * over memory instead of DL4J's dozen-odd ND4J operations, which took as long as the convolutions
 * (BENCHMARKS.md, "Where the time goes"). The zoo builds every batch norm with it.
 */
public class FastBatchNormalization extends BatchNormalization {

  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON reader. */
  public FastBatchNormalization() {}

  /**
   * A copy of {@code template} (built with DL4J's own builder, defaults and all) as this class.
   * DL4J's configuration has no constructor a subclass can pass a builder to, so every instance
   * field is copied.
   */
  public static FastBatchNormalization of(BatchNormalization template) {
    FastBatchNormalization copy = new FastBatchNormalization();
    for (Class<?> k = BatchNormalization.class; k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        try {
          f.setAccessible(true);
          f.set(copy, f.get(template));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot copy " + f + " of DL4J's batch normalisation", e);
        }
      }
    }
    return copy;
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNOutSet("FastBatchNormalization", getLayerName(), layerIndex, getNOut());
    FastBatchNormalizationLayer layer = new FastBatchNormalizationLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }
}
