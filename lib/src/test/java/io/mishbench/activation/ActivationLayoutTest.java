package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The kernels write straight into ND4J's memory, so every layout DL4J can hand them must land where
 * it belongs: views with offsets, 'f' order, strided slices, and arrays long enough to be split
 * across threads.
 */
class ActivationLayoutTest {

  private final StableActivation mish = new MishActivation();

  /** The activation applied element by element with the double reference formulas. */
  private INDArray expectedF(INDArray x) {
    INDArray out = x.castTo(DataType.DOUBLE).dup(); // castTo returns x itself when x is double
    for (long i = 0; i < out.length(); i++) {
      out.putScalar(i, mish.value(out.getDouble(i)));
    }
    return out;
  }

  private INDArray expectedDf(INDArray x, INDArray eps) {
    INDArray out = x.castTo(DataType.DOUBLE).dup(); // castTo returns x itself when x is double
    for (long i = 0; i < out.length(); i++) {
      out.putScalar(i, mish.derivative(out.getDouble(i)) * eps.getDouble(i));
    }
    return out;
  }

  private static void assertClose(INDArray expected, INDArray actual, String what) {
    assertTrue(expected.equalsWithEps(actual.castTo(DataType.DOUBLE), 1e-5), what);
  }

  @Test
  void viewsWithOffsetsChangeOnlyTheirOwnElements() {
    INDArray big = Nd4j.rand(DataType.FLOAT, 10, 1000).subi(0.5).muli(10);
    INDArray before = big.dup();
    INDArray rows = big.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
    INDArray expected = expectedF(rows);
    mish.getActivation(rows, true);
    assertClose(expected, rows, "rows 3-5");
    assertEquals(before.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all()), big.get(NDArrayIndex.interval(0, 3), NDArrayIndex.all()));
    assertEquals(before.get(NDArrayIndex.interval(6, 10), NDArrayIndex.all()), big.get(NDArrayIndex.interval(6, 10), NDArrayIndex.all()));

    INDArray columns = big.get(NDArrayIndex.all(), NDArrayIndex.interval(100, 200)); // strided
    INDArray eps = Nd4j.rand(DataType.FLOAT, 10, 100);
    INDArray expectedGrad = expectedDf(columns, eps);
    INDArray grad = mish.backprop(columns, eps).getFirst();
    assertClose(expectedGrad, grad, "strided columns");
    assertClose(expectedGrad, big.get(NDArrayIndex.all(), NDArrayIndex.interval(100, 200)), "written back");
  }

  @Test
  void mixedOrdersAndTypes() {
    INDArray x = Nd4j.rand(DataType.FLOAT, 7, 9, 11).subi(0.5).muli(8).dup('f');
    INDArray eps = Nd4j.rand(DataType.FLOAT, 7, 9, 11);
    INDArray expected = expectedDf(x.dup('c'), eps);
    assertClose(expected, mish.backprop(x.dup('f'), eps).getFirst(), "f-order input, c-order epsilon");
    assertClose(expected, mish.backprop(x.dup('c'), eps.castTo(DataType.DOUBLE)).getFirst(), "double epsilon");
  }

  @Test
  void longArraysSplitAcrossThreadsMatchElementByElement() {
    int n = KernelRunner.MIN_CHUNK * 5 + 13; // several chunks and a scalar tail
    INDArray x = Nd4j.rand(DataType.FLOAT, n).subi(0.5).muli(60);
    INDArray eps = Nd4j.rand(DataType.FLOAT, n);
    assertClose(expectedF(x), mish.getActivation(x.dup(), true), "forward");
    assertClose(expectedDf(x, eps), mish.backprop(x.dup(), eps).getFirst(), "backward");
    INDArray xd = x.castTo(DataType.DOUBLE);
    assertTrue(expectedF(xd).equalsWithEps(mish.getActivation(xd.dup(), true), 1e-13), "float64 forward");
  }

  @Test
  void nonFloatingArraysAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mish.getActivation(Nd4j.createFromArray(1, 2, 3), true));
    assertTrue(e.getMessage().contains("INT"), e.getMessage());
    assertEquals(0, mish.getActivation(Nd4j.create(DataType.FLOAT, 0), true).length());
  }
}
