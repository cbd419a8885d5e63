package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class StudentTTest {

  /** p, degrees of freedom, t quantile from standard tables (R's qt). */
  static Stream<Arguments> quantiles() {
    return Stream.of(
        Arguments.of(0.975, 1, 12.706204736),
        Arguments.of(0.975, 2, 4.302652730),
        Arguments.of(0.975, 4, 2.776445105),
        Arguments.of(0.975, 30, 2.042272456),
        Arguments.of(0.95, 10, 1.812461123),
        Arguments.of(0.995, 3, 5.840909309),
        Arguments.of(0.5, 7, 0.0),
        Arguments.of(0.025, 4, -2.776445105));
  }

  @ParameterizedTest
  @MethodSource("quantiles")
  void quantileMatchesTablesTo1e6(double p, int df, double t) {
    assertEquals(t, StudentT.quantile(p, df), 1e-6);
  }

  @ParameterizedTest
  @MethodSource("quantiles")
  void cdfInvertsTheQuantile(double p, int df, double t) {
    assertEquals(p, StudentT.cdf(t, df), 1e-9);
  }

  @Test
  void oneDegreeOfFreedomIsCauchy() {
    for (double t : new double[] {-3, -0.5, 0.25, 2, 40}) {
      assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-10, "t = " + t);
    }
  }

  @Test
  void rejectsProbabilitiesOutsideTheOpenIntervalAndBadDegrees() {
    assertEquals("probability must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1, 3)).getMessage());
    assertEquals("degrees of freedom must be positive and finite, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0)).getMessage());
  }
}
