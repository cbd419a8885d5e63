package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

class MomentumSgdTest {

  @Test
  void heavyBallMomentumLikePytorch() {
    MomentumSgd sgd = new MomentumSgd(0.5, null, 0.9);
    INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 3);
    GradientUpdater<?> u = sgd.instantiate(state, true);
    double[] v = new double[3];
    double[][] grads = {{1, -2, 0.5}, {0.25, 1, -1}, {-3, 0, 2}};
    for (double[] g : grads) {
      INDArray grad = Nd4j.createFromArray(g).reshape(1, 3);
      u.applyUpdater(grad, 0, 0);
      double[] expected = new double[3];
      for (int i = 0; i < 3; i++) {
        v[i] = 0.9 * v[i] + g[i];
        expected[i] = 0.5 * v[i];
      }
      assertArrayEquals(expected, grad.toDoubleVector(), 1e-12);
    }
    assertArrayEquals(v, state.toDoubleVector(), 1e-12, "the velocity lives in DL4J's state view");
    assertEquals(Map.of("V", state.reshape(1, 3)).keySet(), u.getState().keySet());
  }

  @Test
  void withoutMomentumItIsPlainSgdAndStateless() {
    MomentumSgd sgd = new MomentumSgd(0.1, null, 0);
    assertEquals(0, sgd.stateSize(100));
    GradientUpdater<?> u = sgd.instantiate((INDArray) null, false);
    INDArray grad = Nd4j.createFromArray(2.0, -4.0);
    u.applyUpdater(grad, 3, 0);
    assertArrayEquals(new double[] {0.2, -0.4}, grad.toDoubleVector(), 1e-12);
  }
}
