package io.mishbench.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.evaluation.IEvaluation;
import org.nd4j.evaluation.IMetric;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The mean cross-entropy {@code -sum_c y_c log(p_c)} of a softmax classifier's predictions, as a DL4J
 * {@link IEvaluation}, so Spark's {@code doEvaluation} computes it in the same pass as top-1/top-5
 * and merges the executors' partial sums. Probabilities are clipped at 1e-10 like DL4J's MCXENT loss,
 * and no regularization term is added: it is the validation loss, not the training objective.
 */
public final class LossEvaluation implements IEvaluation<LossEvaluation> {

  private static final double EPS = 1e-10;
  private static final long serialVersionUID = 1L;

  private double sum;
  private long count;

  /** Mean loss per example, NaN before any example. */
  public double loss() {
    return count == 0 ? Double.NaN : sum / count;
  }

  public long count() {
    return count;
  }

  @Override
  public void eval(INDArray labels, INDArray predictions, INDArray mask, List<? extends Serializable> recordMetaData) {
    if (labels.rank() != 2 || !Arrays.equals(labels.shape(), predictions.shape())) {
      throw new IllegalArgumentException("labels and predictions must be [examples, classes] of one shape, got "
          + Arrays.toString(labels.shape()) + " and " + Arrays.toString(predictions.shape()));
    }
    INDArray p = Transforms.max(predictions.castTo(DataType.DOUBLE), EPS, true);
    INDArray perExample = Transforms.log(p, false).muli(labels.castTo(DataType.DOUBLE)).sum(1).negi();
    if (mask != null) {
      perExample.muli(mask.reshape(perExample.shape()).castTo(DataType.DOUBLE));
      count += mask.sumNumber().longValue();
    } else {
      count += labels.size(0);
    }
    sum += perExample.sumNumber().doubleValue();
  }

  @Override
  public void eval(INDArray labels, INDArray networkPredictions) {
    eval(labels, networkPredictions, null, null);
  }

  @Override
  public void eval(INDArray labels, INDArray networkPredictions, List<? extends Serializable> recordMetaData) {
    eval(labels, networkPredictions, null, recordMetaData);
  }

  @Override
  public void eval(INDArray labels, INDArray networkPredictions, INDArray maskArray) {
    eval(labels, networkPredictions, maskArray, null);
  }

  @Override
  public void evalTimeSeries(INDArray labels, INDArray predicted) {
    throw new UnsupportedOperationException("LossEvaluation is for classifiers, not time series");
  }

  @Override
  public void evalTimeSeries(INDArray labels, INDArray predicted, INDArray labelsMaskArray) {
    evalTimeSeries(labels, predicted);
  }

  @Override
  public void merge(LossEvaluation other) {
    if (other != null) {
      sum += other.sum;
      count += other.count;
    }
  }

  @Override
  public void reset() {
    sum = 0;
    count = 0;
  }

  @Override
  public String stats() {
    return String.format(Locale.ROOT, "loss %.6f over %d examples", loss(), count);
  }

  @Override
  public String toJson() {
    return String.format(Locale.ROOT, "{\"sum\": %s, \"count\": %d}", Double.toString(sum), count);
  }

  @Override
  public String toYaml() {
    return String.format(Locale.ROOT, "sum: %s\ncount: %d\n", Double.toString(sum), count);
  }

  @Override
  public double getValue(IMetric metric) {
    throw new UnsupportedOperationException("LossEvaluation has one value: loss()");
  }

  @Override
  public LossEvaluation newInstance() {
    return new LossEvaluation();
  }
}
