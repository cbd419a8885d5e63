package io.mishbench.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** How far two arrays of the tests lie apart: the faster layers are held to DL4J's within these. */
final class Tolerance {

  private Tolerance() {}

  /** The largest absolute difference over the largest expected magnitude (at least 1e-3). */
  static double maxRelative(INDArray expected, INDArray actual) {
    double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
    return expected.sub(actual).amaxNumber().doubleValue() / scale;
  }
}
