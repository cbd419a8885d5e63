package io.mishbench.experiments;

import io.mishbench.fs.HadoopFiles;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained DL4J network (ComputationGraph or MultiLayerNetwork) as the loss landscape sees it: its
 * flat parameters, its layers, an inference-mode forward pass (batch norm uses its running statistics)
 * and the shape of one input example.
 */
public final class LandscapeNetwork {

  /** What a model file holds. */
  public enum Kind { COMPUTATION_GRAPH, MULTI_LAYER_NETWORK }

  private final Model model;

  public LandscapeNetwork(Model model) {
    if (!(model instanceof ComputationGraph) && !(model instanceof MultiLayerNetwork)) {
      throw new IllegalArgumentException("a landscape needs a ComputationGraph or MultiLayerNetwork, got "
          + model.getClass().getSimpleName());
    }
    this.model = model;
  }

  public Model model() {
    return model;
  }

  /** The flat parameter vector (a view: changing it changes the network). */
  public INDArray params() {
    return model.params();
  }

  /** Copies {@code params} into the network. */
  public void setParams(INDArray params) {
    model.setParams(params);
  }

  /** The layers, whose parameter tables are views of {@link #params}. */
  public List<Layer> layers() {
    return List.of(model instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) model).getLayers());
  }

  /** The network's output for {@code features}, in inference mode. */
  public INDArray output(INDArray features) {
    return model instanceof ComputationGraph g
        ? g.outputSingle(false, features)
        : ((MultiLayerNetwork) model).output(features, false);
  }

  /**
   * One example's input shape: {@code [channels, side, side]} for images, {@code [features]} for a flat
   * input (28 x 28 = 784 for Fashion-MNIST). DL4J does not store a network's input size, so image
   * networks get {@code side} (the resolution a run was trained at; 28 for Fashion-MNIST); the zoo's
   * networks end in global pooling and take any size at least their down-sampling.
   */
  public long[] inputShape(int side) {
    if (model instanceof ComputationGraph g) {
      String input = g.getConfiguration().getNetworkInputs().get(0);
      for (var e : g.getConfiguration().getVertexInputs().entrySet()) {
        if (e.getValue().contains(input)
            && g.getConfiguration().getVertices().get(e.getKey()) instanceof LayerVertex v) {
          return fromFirstLayer(v.getLayerConf().getLayer(), v.getPreProcessor(), side);
        }
      }
      throw new IllegalArgumentException("cannot tell the input shape of this graph: no layer reads its input " + input);
    }
    MultiLayerNetwork m = (MultiLayerNetwork) model;
    return fromFirstLayer(m.getLayer(0).conf().getLayer(), m.getLayerWiseConfigurations().getInputPreProcess(0), side);
  }

  private static long[] fromFirstLayer(org.deeplearning4j.nn.conf.layers.Layer layer, InputPreProcessor pre, int side) {
    if (pre instanceof FeedForwardToCnnPreProcessor p) {
      return new long[] {p.getNumChannels() * p.getInputHeight() * p.getInputWidth()};
    }
    if (layer instanceof ConvolutionLayer c) {
      return new long[] {c.getNIn(), side, side};
    }
    if (layer instanceof FeedForwardLayer f) {
      return new long[] {f.getNIn()};
    }
    throw new IllegalArgumentException("cannot tell the input shape of a network starting with "
        + layer.getClass().getSimpleName());
  }

  /**
   * What the model file at {@code uri} holds, checked without loading it.
   *
   * @throws IllegalArgumentException when it does not exist or is not a DL4J model zip, saying which
   */
  public static Kind inspect(URI uri, Configuration conf) {
    byte[] json = null;
    boolean coefficients = false;
    boolean anyEntry = false;
    try (InputStream raw = HadoopFiles.fs(uri, conf).open(new Path(uri));
        ZipInputStream zip = new ZipInputStream(raw)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        anyEntry = true;
        if (e.getName().equals("configuration.json")) {
          json = zip.readAllBytes();
        } else if (e.getName().equals("coefficients.bin")) {
          coefficients = true;
        }
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("model file " + uri + " does not exist");
    } catch (IOException e) {
      if (isDirectory(uri, conf)) {
        throw new IllegalArgumentException("model file " + uri + " is a folder, not a DL4J model zip");
      }
      throw new IllegalArgumentException("model file " + uri + " is not a DL4J model: not a readable zip ("
          + e.getMessage() + ")");
    }
    if (!anyEntry) {
      throw new IllegalArgumentException("model file " + uri + " is not a DL4J model: not a zip file");
    }
    if (json == null || !coefficients) {
      throw new IllegalArgumentException("model file " + uri + " is not a DL4J model: a zip without "
          + (json == null ? "configuration.json" : "coefficients.bin") + " (ModelSerializer writes both)");
    }
    String text = new String(json, StandardCharsets.UTF_8);
    return text.contains("\"vertices\"") ? Kind.COMPUTATION_GRAPH : Kind.MULTI_LAYER_NETWORK;
  }

  private static boolean isDirectory(URI uri, Configuration conf) {
    try {
      return HadoopFiles.fs(uri, conf).getFileStatus(new Path(uri)).isDirectory();
    } catch (IOException e) {
      return false;
    }
  }

  /** Loads the model file at {@code uri} (checked by {@link #inspect} first), without its updater state. */
  public static LandscapeNetwork load(URI uri, Configuration conf) {
    Kind kind = inspect(uri, conf);
    try (InputStream in = HadoopFiles.fs(uri, conf).open(new Path(uri))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      var data = new java.io.ByteArrayInputStream(bytes.toByteArray());
      return new LandscapeNetwork(kind == Kind.COMPUTATION_GRAPH
          ? ModelSerializer.restoreComputationGraph(data, false)
          : ModelSerializer.restoreMultiLayerNetwork(data, false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + uri + ": " + e.getMessage(), e);
    }
  }
}
