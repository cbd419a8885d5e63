package io.mishbench.model;

import java.util.Arrays;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The vertex of {@link AddActivation}: forward, {@code out = f(x1 + ... + xk)} (the sum written once,
 * then activated in place); backward, the sum is recomputed from the inputs (kept by the graph
 * anyway), {@code f'(sum) * eps} taken in place, and every input receives that gradient (one copy per
 * input after the first: the graph adds later gradients into these arrays in place, so inputs cannot
 * share one). DL4J's Add vertex and ActivationLayer store the sum and the activation and copy both
 * in each direction.
 */
final class AddActivationVertex extends ElementWiseVertex {

  private final IActivation activation;

  AddActivationVertex(ComputationGraph graph, String name, int vertexIndex, IActivation activation, DataType dataType) {
    super(graph, name, vertexIndex, null, null, Op.Add, dataType);
    this.activation = activation;
  }

  /** The inputs' sum, in a new array of {@code type}. */
  private INDArray sum(LayerWorkspaceMgr mgr, ArrayType type) {
    for (int i = 1; i < inputs.length; i++) {
      if (!inputs[0].equalShapes(inputs[i])) {
        throw new IllegalStateException(getVertexName() + ": AddActivation needs inputs of one shape, got "
            + Arrays.toString(inputs[0].shape()) + " and " + Arrays.toString(inputs[i].shape()));
      }
    }
    INDArray sum = mgr.createUninitialized(type, dataType, inputs[0].shape(), 'c');
    if (inputs.length == 1) {
      return sum.assign(inputs[0]);
    }
    Nd4j.getExecutioner().exec(new AddOp(inputs[0].castTo(dataType), inputs[1].castTo(dataType), sum));
    for (int i = 2; i < inputs.length; i++) {
      sum.addi(inputs[i].castTo(dataType));
    }
    return sum;
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("Cannot do forward pass: inputs not set");
    }
    return activation.getActivation(sum(mgr, ArrayType.ACTIVATIONS), training);
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("Cannot do backward pass: errors not set");
    }
    INDArray delta = activation.backprop(sum(mgr, ArrayType.ACTIVATION_GRAD), epsilon).getFirst();
    delta = mgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
    INDArray[] out = new INDArray[inputs.length];
    out[0] = delta;
    for (int i = 1; i < out.length; i++) {
      out[i] = mgr.dup(ArrayType.ACTIVATION_GRAD, delta);
    }
    return new Pair<>(null, out);
  }

  @Override
  public String toString() {
    return "AddActivationVertex(id=" + getVertexIndex() + ",name=\"" + getVertexName() + "\"," + activation + ")";
  }
}
