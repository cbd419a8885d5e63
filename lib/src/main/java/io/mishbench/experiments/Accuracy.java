package io.mishbench.experiments;

import io.mishbench.train.LossEvaluation;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Test accuracy (top-1, top-5) and loss (mean cross-entropy, {@link LossEvaluation}) of a network in
 * inference mode on given features and labels, in minibatches.
 *
 * @param top1 in [0, 1]
 * @param top5 in [0, 1]
 * @param loss mean cross-entropy
 */
public record Accuracy(double top1, double top5, double loss) {

  private static final List<String> CLASSES =
      IntStream.range(0, 10).mapToObj(String::valueOf).toList();

  /** Evaluates {@code net} on {@code features} with {@code labels} ({@code net.output(x, false)}). */
  public static Accuracy of(MultiLayerNetwork net, INDArray features, INDArray labels, int batch) {
    Evaluation eval = new Evaluation(CLASSES, 5);
    LossEvaluation loss = new LossEvaluation();
    long n = features.size(0);
    for (long start = 0; start < n; start += batch) {
      long end = Math.min(n, start + batch);
      INDArray x = features.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
      INDArray y = labels.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
      INDArray p = net.output(x, false);
      eval.eval(y, p);
      loss.eval(y, p);
    }
    return new Accuracy(eval.accuracy(), eval.topNAccuracy(), loss.loss());
  }

  /** {@link #of} on {@code images}. */
  public static Accuracy of(MultiLayerNetwork net, Images images, int batch) {
    return of(net, images.features(), images.labels(), batch);
  }
}
