package io.mishbench.experiments;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration.ListBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The Mish paper's depth-sweep network for 28 x 28 grey images and 10 classes: convolution -> max-pool
 * 2 -> convolution -> max-pool 2, then {@code depth} x [Dense(width), BatchNorm, activation, Dropout],
 * softmax output with cross-entropy, plain SGD. The convolutions use the activation too.
 *
 * <p>{@link #inferenceTwin} gives the same function as a network without BatchNorm and dropout layers,
 * whose training-mode forward pass (the one DL4J backpropagates through) is the trained network's
 * inference: the attacks take their input gradients from it.
 */
public final class DepthNetwork {

  /** BatchNorm's epsilon. */
  public static final double BN_EPS = 1e-5;

  private DepthNetwork() {}

  /** The untrained network (initialised). */
  public static MultiLayerNetwork create(RobustnessConfig.Network shape, int depth, String activation,
      double learningRate, long seed, DataType dtype) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(shape, depth, activation, learningRate, seed, dtype, false));
    net.init();
    return net;
  }

  /** The number of layers: 4 (convolutions, pools), 3 or 4 per block (dropout only when > 0), 1 output. */
  public static int layerCount(RobustnessConfig.Network shape, int depth) {
    return 4 + depth * (shape.dropout() > 0 ? 4 : 3) + 1;
  }

  /**
   * The number of parameters, BatchNorm's running mean and variance included (DL4J stores them as
   * parameters): convolutions {@code k^2 c_in c_out + c_out}, the first dense layer
   * {@code flat * w + w} with {@code flat} the second pool's output, the others {@code w^2 + w},
   * BatchNorm {@code 4 w} each, output {@code 10 w + 10}.
   */
  public static long parameterCount(RobustnessConfig.Network shape, int depth) {
    int k = shape.kernel();
    long c1 = shape.convChannels().get(0);
    long c2 = shape.convChannels().get(1);
    long side = ((28 - k + 1) / 2 - k + 1) / 2;
    long flat = side * side * c2;
    long w = shape.denseWidth();
    long conv = k * k * c1 + c1 + k * k * c1 * c2 + c2;
    long dense = flat * w + w + (depth - 1) * (w * w + w);
    return conv + dense + depth * 4 * w + 10 * w + 10;
  }

  static MultiLayerConfiguration configuration(RobustnessConfig.Network shape, int depth, String activation,
      double learningRate, long seed, DataType dtype, boolean twin) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    ListBuilder b = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(dtype)
        .updater(new Sgd(learningRate))
        .weightInit(WeightInit.XAVIER)
        .list();
    int k = shape.kernel();
    b.layer(new ConvolutionLayer.Builder(k, k).nIn(1).nOut(shape.convChannels().get(0)).activation(act(activation)).build());
    b.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
    b.layer(new ConvolutionLayer.Builder(k, k).nOut(shape.convChannels().get(1)).activation(act(activation)).build());
    b.layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
    for (int i = 0; i < depth; i++) {
      if (twin) {
        b.layer(new DenseLayer.Builder().nOut(shape.denseWidth()).activation(act(activation)).build());
        continue;
      }
      b.layer(new DenseLayer.Builder().nOut(shape.denseWidth()).activation(org.nd4j.linalg.activations.Activation.IDENTITY).build());
      b.layer(new BatchNormalization.Builder().useLogStd(false).eps(BN_EPS).build());
      b.layer(new ActivationLayer.Builder().activation(act(activation)).build());
      if (shape.dropout() > 0) {
        b.layer(new DropoutLayer.Builder(1 - shape.dropout()).build()); // DL4J takes the retain probability
      }
    }
    b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build());
    b.setInputType(InputType.convolutionalFlat(28, 28, 1));
    return b.build();
  }

  private static IActivation act(String name) {
    return ActivationRegistry.parse(name).create();
  }

  /**
   * The inference function of {@code net} (built by {@link #create}) as a network without BatchNorm or
   * dropout: each BatchNorm is folded into the dense layer before it ({@code W' = W s},
   * {@code b' = (b - mean) s + beta}, {@code s = gamma / sqrt(var + eps)}) and that layer applies the
   * activation itself. Its output equals {@code net.output(x, false)} up to rounding.
   */
  public static MultiLayerNetwork inferenceTwin(MultiLayerNetwork net, RobustnessConfig.Network shape, int depth,
      String activation) {
    MultiLayerConfiguration conf = configuration(shape, depth, activation, 0.01, 0, net.getLayerWiseConfigurations()
        .getDataType(), true);
    MultiLayerNetwork twin = new MultiLayerNetwork(conf);
    twin.init();
    Layer[] from = net.getLayers();
    Layer[] to = twin.getLayers();
    for (int i = 0; i < 4; i++) {
      copy(from[i], to[i]);
    }
    int src = 4;
    for (int d = 0; d < depth; d++) {
      Layer dense = from[src];
      Layer bn = from[src + 1];
      INDArray w = dense.getParam("W");
      INDArray bias = dense.getParam("b").reshape(1, shape.denseWidth());
      INDArray gamma = bn.getParam("gamma").reshape(1, shape.denseWidth());
      INDArray beta = bn.getParam("beta").reshape(1, shape.denseWidth());
      INDArray mean = bn.getParam("mean").reshape(1, shape.denseWidth());
      INDArray var = bn.getParam("var").reshape(1, shape.denseWidth());
      INDArray s = gamma.div(Transforms.sqrt(var.add(BN_EPS), true));
      Layer target = to[4 + d];
      target.setParam("W", w.mulRowVector(s));
      target.setParam("b", bias.sub(mean).muli(s).addi(beta).reshape(target.getParam("b").shape()));
      src += shape.dropout() > 0 ? 4 : 3;
    }
    copy(from[src], to[to.length - 1]);
    return twin;
  }

  private static void copy(Layer from, Layer to) {
    for (var e : from.paramTable().entrySet()) {
      to.setParam(e.getKey(), e.getValue().dup());
    }
  }
}
