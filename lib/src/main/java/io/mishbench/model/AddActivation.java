package io.mishbench.model;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The sum of two or more inputs of one shape followed by an activation, as one graph vertex: ResNet's
 * {@code relu(branch + shortcut)}. It computes what DL4J's {@link ElementWiseVertex} (Add) followed by
 * an ActivationLayer computes, in fewer passes over memory and storing one tensor instead of two
 * (the sum is recomputed from the inputs in the backward pass): {@link AddActivationVertex}.
 */
public class AddActivation extends ElementWiseVertex {

  private static final long serialVersionUID = 1L;

  private IActivation activation;

  public AddActivation(@JsonProperty("activation") IActivation activation) {
    super(Op.Add);
    if (activation == null) {
      throw new IllegalArgumentException("AddActivation needs an activation");
    }
    this.activation = activation;
  }

  public IActivation getActivation() {
    return activation;
  }

  @Override
  public AddActivation clone() {
    return new AddActivation(activation);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddActivation a && a.activation.equals(activation);
  }

  @Override
  public int hashCode() {
    return activation.hashCode() * 31 + 7;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
      INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
    return new AddActivationVertex(graph, name, idx, activation, networkDatatype);
  }

  @Override
  public String toString() {
    return "AddActivation(" + activation + ")";
  }
}
