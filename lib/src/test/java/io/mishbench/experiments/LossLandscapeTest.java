package io.mishbench.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.train.LossEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The loss landscape around a small CNN (convolution, batch norm, Mish, pooling, dense) trained for a
 * few seconds on real Fashion-MNIST: filter normalisation, the exact centre and a minimum near it.
 */
class LossLandscapeTest {

  static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

  private static LandscapeNetwork net;
  private static DataSet eval;

  /** A MultiLayerNetwork taking flat 784-pixel rows (convolutionalFlat), so the MLN path is exercised. */
  static MultiLayerNetwork tinyCnn(long seed) {
    MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(3e-3))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).stride(2, 2).activation(new io.mishbench.activation.MishActivation()).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(24).activation(new io.mishbench.activation.MishActivation()).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(new ActivationSoftmax()).build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))
        .build());
    m.init();
    return m;
  }

  @BeforeAll
  static void train() {
    MultiLayerNetwork m = tinyCnn(5);
    net = new LandscapeNetwork(m);
    long[] shape = net.inputShape(28);
    assertArrayEquals(new long[] {784}, shape);
    DataSet train = LandscapeData.read(DATA, LandscapeData.Split.TRAIN, 600, shape);
    eval = LandscapeData.read(DATA, LandscapeData.Split.TEST, 200, shape);
    for (int epoch = 0; epoch < 3; epoch++) {
      for (DataSet batch : train.batchBy(50)) {
        m.fit(batch);
      }
    }
  }

  @Test
  void everyFilterOfADirectionHasTheNormOfTheTrainedFilterAndTheRestIsZero() {
    INDArray theta = net.params().dup();
    INDArray d = LossLandscape.direction(net, new Random(11));
    assertEquals(theta, net.params(), "direction() must leave the network's parameters as they were");
    Map<String, double[]> trainedNorms = new java.util.HashMap<>();
    List<String> weights = new ArrayList<>();
    for (Layer layer : net.layers()) {
      var conf = layer.conf().getLayer();
      for (var e : layer.paramTable().entrySet()) {
        if (conf.initializer().isWeightParam(conf, e.getKey())) {
          trainedNorms.put(layer.getIndex() + "_" + e.getKey(), LossLandscape.filterNorms(e.getValue()));
        }
      }
    }
    net.setParams(d);
    try {
      for (Layer layer : net.layers()) {
        for (var e : layer.paramTable().entrySet()) {
          String key = layer.getIndex() + "_" + e.getKey();
          if (trainedNorms.containsKey(key)) {
            weights.add(key);
            double[] want = trainedNorms.get(key);
            double[] got = LossLandscape.filterNorms(e.getValue());
            assertEquals(want.length, got.length, key);
            for (int f = 0; f < want.length; f++) {
              assertEquals(want[f], got[f], 1e-5 * want[f] + 1e-7, key + " filter " + f); // float32 rounding
            }
          } else { // biases and batch norm's gamma, beta, mean, var
            assertEquals(0.0, e.getValue().amaxNumber().doubleValue(), 0.0, key + " must have a zero direction");
          }
        }
      }
    } finally {
      net.setParams(theta);
    }
    // conv W [6,1,3,3]: 6 filters; dense W [nIn,24]: 24 columns; output W [24,10]: 10 columns
    assertEquals(List.of("0_W", "3_W", "4_W"), weights.stream().sorted().toList());
    assertEquals(6, trainedNorms.get("0_W").length);
    assertEquals(24, trainedNorms.get("3_W").length);
  }

  @Test
  void theCentreIsExactlyTheModelsLossAndTheMinimumIsNearIt() {
    INDArray theta = net.params().dup();
    LossEvaluation direct = new LossEvaluation();
    direct.eval(eval.getLabels(), net.output(eval.getFeatures())); // 200 examples: one batch, as compute() does
    LossLandscape l = LossLandscape.compute(net, eval, -1, 1, 5, 3, "tiny", line -> { });
    assertEquals(theta, net.params(), "compute() must restore the parameters");
    assertEquals(2, l.centreIndex());
    assertEquals(direct.loss(), l.losses()[2][2], 0.0, "L(0, 0) is the trained network's loss, exactly");
    assertEquals(direct.loss(), l.trainedLoss(), 0.0);
    LossLandscape.Stats s = l.stats();
    double[][] v = l.losses();
    for (double corner : new double[] {v[0][0], v[0][4], v[4][0], v[4][4]}) {
      assertTrue(v[2][2] < corner, "centre " + v[2][2] + " must be below every corner, got " + corner);
    }
    assertTrue(Math.abs(s.minA()) <= 0.5 && Math.abs(s.minB()) <= 0.5, "minimum at (" + s.minA() + ", " + s.minB() + ")");
    assertTrue(s.sharpness() > 0, "a minimum curves upwards: " + s.sharpness());
    assertEquals(1 + 25, l.csv().lines().count());
    assertTrue(LossLandscapePlot.png(l, "tiny").length > 1000);
  }

  @Test
  void marchingSquaresFindsACircleAroundAMinimum() {
    double[] as = OutputLandscape.axis(-1, 1, 41);
    double[][] v = new double[41][41];
    for (int j = 0; j < 41; j++) {
      for (int i = 0; i < 41; i++) {
        v[j][i] = as[i] * as[i] + as[j] * as[j];
      }
    }
    var segments = LossLandscapePlot.contour(as, v, 0.25);
    assertTrue(segments.size() > 20, "segments: " + segments.size());
    for (var s : segments) { // every end point lies on the circle of radius 0.5, to the interpolation error
      assertEquals(0.5, Math.hypot(s.getX1(), s.getY1()), 0.01);
      assertEquals(0.5, Math.hypot(s.getX2(), s.getY2()), 0.01);
    }
  }
}
