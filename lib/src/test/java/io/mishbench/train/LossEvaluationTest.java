package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LossEvaluationTest {

  @Test
  void meanCrossEntropyMergedOverPartitions() {
    LossEvaluation a = new LossEvaluation();
    a.eval(Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}}), Nd4j.createFromArray(new float[][] {{0.8f, 0.2f}, {0.5f, 0.5f}}));
    LossEvaluation b = new LossEvaluation();
    // soft labels (label smoothing) and a zero probability, clipped at 1e-10 like DL4J's MCXENT
    b.eval(Nd4j.createFromArray(new float[][] {{0.9f, 0.1f}}), Nd4j.createFromArray(new float[][] {{1f, 0f}}));
    a.merge(b);
    double expected = (-Math.log(0.8f) - Math.log(0.5) - 0.1 * Math.log(1e-10)) / 3;
    assertEquals(3, a.count());
    assertEquals(expected, a.loss(), 1e-6);
    a.reset();
    assertEquals(Double.NaN, a.loss());
  }

  @Test
  void mismatchedShapesAreRefused() {
    LossEvaluation e = new LossEvaluation();
    assertThrows(IllegalArgumentException.class,
        () -> e.eval(Nd4j.zeros(2, 3), Nd4j.zeros(2, 4)));
  }
}
