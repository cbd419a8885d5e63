package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The properties the Mish paper states, checked through the arrays training uses. */
class ActivationPropertiesTest {

  private static final List<DataType> TYPES = List.of(DataType.FLOAT, DataType.DOUBLE);

  private static INDArray f(StableActivation a, INDArray x) {
    return a.getActivation(x.dup(), true);
  }

  private static INDArray df(StableActivation a, INDArray x) {
    return a.backprop(x.dup(), Nd4j.onesLike(x)).getFirst();
  }

  @Test
  void mishHasItsMinimumOfMinus0_30884AtMinus1_1924() {
    for (DataType type : TYPES) {
      INDArray x = Nd4j.linspace(-3, 0, 300_001, DataType.DOUBLE).castTo(type); // step 1e-5
      INDArray y = f(new MishActivation(), x);
      long at = Nd4j.argMin(y).getLong(0);
      assertEquals(-0.30884, y.getDouble(at), 5e-6, type + " minimum value");
      assertEquals(-1.1924, x.getDouble(at), 1e-3, type + " minimum position");
    }
  }

  @Test
  void derivativesAtZero() {
    for (DataType type : TYPES) {
      INDArray zero = Nd4j.zeros(type, 1);
      assertEquals(0.6, df(new MishActivation(), zero).getDouble(0), 1e-7, type + " Mish'(0)");
      assertEquals(0.5, df(new SwishActivation(), zero).getDouble(0), 1e-7, type + " Swish'(0)");
      assertEquals(0.1, df(new LeakyReLUActivation(), zero).getDouble(0), 1e-8, type + " LeakyReLU'(0)");
      assertEquals(0.0, f(new MishActivation(), zero).getDouble(0), 0, type + " Mish(0)");
    }
  }

  @Test
  void mishApproachesTheIdentityForLargeInputs() {
    for (DataType type : TYPES) {
      INDArray x = Nd4j.createFromArray(10.0, 15.0, 20.0, 25.0, 100.0, 1e4, 3.4e38).castTo(type);
      INDArray y = f(new MishActivation(), x);
      INDArray d = df(new MishActivation(), x);
      for (int i = 0; i < x.length(); i++) {
        double xi = x.getDouble(i);
        assertEquals(1, y.getDouble(i) / xi, 1e-7, type + " Mish(x)/x at " + xi);
        assertEquals(1, d.getDouble(i), 2e-7, type + " Mish'(x) at " + xi);
        if (xi >= 20) {
          assertEquals(xi, y.getDouble(i), 0, type + ": above the threshold Mish(x) is x exactly, at " + xi);
        }
      }
    }
  }

  @Test
  void mishApproachesZeroFromBelowForVeryNegativeInputs() {
    for (DataType type : TYPES) {
      INDArray x = Nd4j.linspace(-80, -1.2, 7_881, DataType.DOUBLE).castTo(type);
      INDArray y = f(new MishActivation(), x);
      double previous = 0;
      for (int i = 0; i < x.length(); i++) {
        double yi = y.getDouble(i);
        assertTrue(yi < 0, type + ": Mish(" + x.getDouble(i) + ") = " + yi + " is not below 0");
        assertTrue(yi <= previous, type + ": Mish is not falling towards its minimum at " + x.getDouble(i));
        previous = yi;
      }
      assertTrue(Math.abs(y.getDouble(0)) < 1e-30, type + ": Mish(-80) = " + y.getDouble(0));
      INDArray far = f(new MishActivation(), Nd4j.createFromArray(-1e4, -3.4e38).castTo(type));
      assertEquals(0.0, far.getDouble(0), 0, type + " Mish(-1e4)");
      assertEquals(0.0, far.getDouble(1), 0, type + " Mish(-3.4e38)");
    }
  }

  @Test
  void swishMinimumAndLeakySlope() {
    INDArray x = Nd4j.linspace(-3, 0, 300_001, DataType.DOUBLE);
    INDArray y = f(new SwishActivation(), x);
    assertEquals(-0.278465, y.minNumber().doubleValue(), 1e-6, "Swish minimum");
    assertEquals(-0.1, f(new LeakyReLUActivation(), Nd4j.createFromArray(-1.0f)).getDouble(0), 1e-8);
    assertEquals(-0.25, f(new LeakyReLUActivation(0.25), Nd4j.createFromArray(-1.0f)).getDouble(0), 0);
    assertEquals(0.0, f(new ReLUActivation(), Nd4j.createFromArray(-1.0f)).getDouble(0), 0);
  }
}
