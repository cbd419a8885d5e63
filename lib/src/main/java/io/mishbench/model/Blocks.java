package io.mishbench.model;

import io.mishbench.activation.ActivationRegistry;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Building blocks shared by every model family, each adding vertices to a graph and returning the
 * name of its output vertex.
 */
public final class Blocks {

  /**
   * Set this system property to {@code true} to build batch norm and residual sums without their
   * activation fused in (a separate ActivationLayer each, as before): for before/after measurements
   * (bench.sh).
   */
  public static final String UNFUSED_PROPERTY = "mishbench.activation.unfused";

  private final GraphBuilder graph;
  private final ActivationRegistry.Spec activation;
  /** {@link #UNFUSED_PROPERTY} when this builder was made (read per network, so one process can build both). */
  private final boolean unfused = Boolean.getBoolean(UNFUSED_PROPERTY);

  public Blocks(GraphBuilder graph, ActivationRegistry.Spec activation) {
    this.graph = graph;
    this.activation = activation;
  }

  /** Convolution (no bias, padding kernel / 2), batch norm, activation: Darknet's "convolutional" block. */
  String convBnAct(String name, String input, int nOut, int kernel, int stride) {
    graph.addLayer(name + "_conv", conv(nOut, kernel, stride), input);
    return bnAct(name, name + "_conv");
  }

  /** Convolution and batch norm without activation (the linear end of a residual branch). */
  String convBn(String name, String input, int nOut, int kernel, int stride) {
    graph.addLayer(name + "_conv", conv(nOut, kernel, stride), input);
    return bn(name, name + "_conv");
  }

  /**
   * Grouped convolution (ResNeXt's cardinality), which DL4J lacks, then batch norm and activation:
   * the input's {@code inChannels} are split into {@code groups} contiguous slices, each convolved to
   * {@code nOut / groups} channels by its own kernel, and the results concatenated in group order.
   * That is exactly PyTorch's and Darknet's {@code groups}.
   *
   * @throws IllegalArgumentException when the channels do not divide into the groups
   */
  String groupedConvBnAct(String name, String input, int inChannels, int nOut, int kernel, int stride, int groups) {
    return bnAct(name, groupedConv(name, input, inChannels, nOut, kernel, stride, groups));
  }

  /**
   * The grouped convolution of {@link #groupedConvBnAct} alone, as one layer named {@code name}: DL4J's
   * ConvolutionLayer for one group, else {@link GroupedConv2D}.
   */
  public String groupedConv(String name, String input, int inChannels, int nOut, int kernel, int stride, int groups) {
    checkGroups(name, inChannels, nOut, groups);
    graph.addLayer(name, groups == 1 ? conv(nOut, kernel, stride) : new GroupedConv2D(inChannels, nOut, kernel, stride, groups),
        input);
    return name;
  }

  /**
   * The same grouped convolution built from DL4J's own layers, for comparison (tests, benchmark):
   * {@code groups} channel slices ({@link ChannelSlice}), one ConvolutionLayer each (parameters
   * {@code name_g<i>_W}), concatenated into vertex {@code name}. Exact, but much slower and larger
   * in memory than {@link GroupedConv2D}.
   */
  public String channelSlicedConv(String name, String input, int inChannels, int nOut, int kernel, int stride, int groups) {
    checkGroups(name, inChannels, nOut, groups);
    int in = inChannels / groups;
    String[] parts = new String[groups];
    for (int g = 0; g < groups; g++) {
      String slice = name + "_g" + g + "_in";
      graph.addVertex(slice, new ChannelSlice(g * in, (g + 1) * in - 1), input);
      parts[g] = name + "_g" + g;
      graph.addLayer(parts[g], conv(nOut / groups, kernel, stride), slice);
    }
    graph.addVertex(name, new MergeVertex(), parts);
    return name;
  }

  private static void checkGroups(String name, int inChannels, int nOut, int groups) {
    if (groups < 1 || inChannels % groups != 0 || nOut % groups != 0) {
      throw new IllegalArgumentException(name + ": " + inChannels + " input and " + nOut
          + " output channels do not split into " + groups + " groups");
    }
  }

  /** Max pooling (same padding). */
  String maxPool(String name, String input, int kernel, int stride) {
    graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(kernel, kernel)
        .stride(stride, stride).convolutionMode(ConvolutionMode.Same).build(), input);
    return name;
  }

  /** Average pooling (no padding: the window stays inside the image). */
  String avgPool(String name, String input, int kernel, int stride) {
    graph.addLayer(name, new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(kernel, kernel)
        .stride(stride, stride).convolutionMode(ConvolutionMode.Truncate).build(), input);
    return name;
  }

  /** Concatenation along channels. */
  String concat(String name, String... inputs) {
    graph.addVertex(name, new MergeVertex(), inputs);
    return name;
  }

  /** Element-wise sum (a linear shortcut). */
  String add(String name, String a, String b) {
    graph.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
    return name;
  }

  /** Multiplies every element by {@code factor}. */
  String scale(String name, String input, double factor) {
    graph.addVertex(name, new ScaleVertex(factor), input);
    return name;
  }

  /**
   * Nearest-neighbour resize of a {@code from} x {@code from} map to {@code to} x {@code to}: output
   * pixel i reads input pixel floor(i * from / to), as TensorFlow's {@code resize_nearest_neighbor}
   * (no corner alignment, no half-pixel centres) and, for whole factors, plain nearest up-sampling.
   * DL4J has only whole-factor up-sampling, so with g = gcd(from, to) the map is up-sampled by
   * to / g (pixel j of that holds input pixel floor(j g / to)) and every (from / g)-th pixel is
   * kept by a 1x1 max pool of that stride: pixel i (from / g) = input floor(i from / to). Exact,
   * built from DL4J's own layers (their gradients are DL4J's), and parameter-free.
   *
   * @return {@code input} itself when the sizes are equal
   */
  String resize(String name, String input, int from, int to) {
    if (from < 1 || to < 1) {
      throw new IllegalArgumentException(name + ": cannot resize " + from + " to " + to + " pixels");
    }
    int g = gcd(from, to);
    String x = input;
    if (to / g > 1) {
      graph.addLayer(name + "_up", new Upsampling2D.Builder(to / g).build(), x);
      x = name + "_up";
    }
    if (from / g > 1) {
      // 'truncate': DL4J's 'same' mode would pad by a negative amount here and shift the picked pixels
      graph.addLayer(name + "_pick", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(1, 1)
          .stride(from / g, from / g).convolutionMode(ConvolutionMode.Truncate).build(), x);
      x = name + "_pick";
    }
    return x;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * The sum of {@code inputs} (one shape) followed by the activation, as one vertex ({@link AddActivation}):
   * ResNet's post-addition ReLU without storing the sum.
   */
  String addAct(String name, String... inputs) {
    if (unfused) {
      graph.addVertex(name + "_sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), inputs);
      return act(name, name + "_sum");
    }
    graph.addVertex(name, new AddActivation(activation.create()), inputs);
    return name;
  }

  /** The activation layer alone (after a concatenation, where no sum can take it). */
  String act(String name, String input) {
    graph.addLayer(name, new ActivationLayer.Builder().activation(activation.create()).build(), input);
    return name;
  }

  /**
   * Convolution without bias, zero-padded by kernel / 2 on every side, as Darknet's {@code pad=1} and
   * torchvision do: output size floor((in + 2 (k / 2) - k) / stride) + 1, which is ceil(in / stride)
   * for odd kernels, with the same window positions as the published networks (DL4J's 'Same' mode
   * would pad only at the bottom and right for stride 2). A {@link GemmConvolution}: DL4J's layer
   * computed faster on the CPU.
   */
  static ConvolutionLayer conv(int nOut, int kernel, int stride) {
    return new GemmConvolution.Builder(kernel, kernel)
        .stride(stride, stride)
        .padding(kernel / 2, kernel / 2)
        .nOut(nOut)
        .hasBias(false)
        .convolutionMode(ConvolutionMode.Truncate)
        .activation(new ActivationIdentity())
        .build();
  }

  private String bn(String name, String input) {
    graph.addLayer(name + "_bn",
        FastBatchNormalization.of(new BatchNormalization.Builder().activation(new ActivationIdentity()).build()), input);
    return name + "_bn";
  }

  /**
   * Batch norm with the activation fused into it, one layer {@code name_bn_act}: one pass over memory
   * and one stored tensor where a batch norm and an ActivationLayer take two of each
   * ({@link FastBatchNormalizationLayer}).
   */
  private String bnAct(String name, String input) {
    if (unfused) {
      return act(name + "_bn_act", bn(name, input));
    }
    graph.addLayer(name + "_bn_act",
        FastBatchNormalization.of(new BatchNormalization.Builder().activation(activation.create()).build()), input);
    return name + "_bn_act";
  }

  /**
   * A ResNet bottleneck-free residual block: 1x1 then 3x3 convolution, added to the input with a
   * linear shortcut (Darknet's {@code [shortcut] activation=linear}).
   */
  String residual(String name, String input, int channels, int hidden) {
    String a = convBnAct(name + "_a", input, hidden, 1, 1);
    String b = convBnAct(name + "_b", a, channels, 3, 1);
    graph.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), input, b);
    return name + "_add";
  }

  /**
   * A cross-stage-partial stage (CSPNet): a strided 3x3 down-sampling convolution, then the feature
   * map is split into two 1x1 projections of half width; one goes through {@code blocks} residual
   * blocks and a 1x1 transition, the other is carried across; both are concatenated and fused by a
   * final 1x1 convolution.
   */
  String cspStage(String name, String input, int channels, int blocks) {
    String down = convBnAct(name + "_down", input, channels, 3, 2);
    int half = channels / 2;
    String cross = convBnAct(name + "_cross", down, half, 1, 1);
    String x = convBnAct(name + "_split", down, half, 1, 1);
    for (int i = 0; i < blocks; i++) {
      x = residual(name + "_res" + i, x, half, half);
    }
    String transition = convBnAct(name + "_trans", x, half, 1, 1);
    graph.addVertex(name + "_merge", new MergeVertex(), transition, cross);
    return convBnAct(name + "_fuse", name + "_merge", channels, 1, 1);
  }

  /** A plain residual stage: strided 3x3 down-sampling, then {@code blocks} residual blocks. */
  String resStage(String name, String input, int channels, int blocks) {
    String x = convBnAct(name + "_down", input, channels, 3, 2);
    for (int i = 0; i < blocks; i++) {
      x = residual(name + "_res" + i, x, channels, channels / 2);
    }
    return x;
  }
}
