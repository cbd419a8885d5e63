package io.mishbench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonLineTest {

  @Test
  void keepsOrderRoundsAndWritesNonFiniteAsNull() {
    String line = new JsonLine().put("model", "res\"net").put("steps", 5).fixed("step_ms", 12.345, 2)
        .fixed("loss", Double.NaN, 4).significant("rate", 1234567.0, 4).fixed("inf", Double.POSITIVE_INFINITY, 1)
        .put("exact", 0.1).put("nan", Double.NaN).toString();
    assertEquals("{\"model\":\"res\\\"net\",\"steps\":5,\"step_ms\":12.35,\"loss\":null,\"rate\":1.235E+6,"
        + "\"inf\":null,\"exact\":0.1,\"nan\":null}", line);
  }
}
