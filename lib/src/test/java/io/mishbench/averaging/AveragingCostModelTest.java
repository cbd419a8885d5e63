package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AveragingCostModelTest {

  // cspresnext50's DL4J parameter count, momentum state, 250 images/s, batch 32, 2 GB/s codec, 8 GB/s copies, 0.05 s fixed
  private final AveragingCostModel m = new AveragingCostModel(20_614_824, 20_614_824, 250, 32, 2e9, 8e9, 0.05);

  @Test
  void reducersFollowSparkTreeAggregateAtDepthTwo() {
    // worked by hand from RDD.treeAggregate: scale = max(ceil(sqrt(n)), 2), divide while n > scale + ceil(n / scale)
    assertEquals(2, AveragingCostModel.reducers(2));
    assertEquals(4, AveragingCostModel.reducers(4));
    assertEquals(2, AveragingCostModel.reducers(8));   // scale 3: 8 > 6 -> 2
    assertEquals(5, AveragingCostModel.reducers(32));  // scale 6: 32 > 12 -> 5
    assertEquals(10, AveragingCostModel.reducers(128)); // scale 12: 128 > 23 -> 10
  }

  @Test
  void roundAddsItsPartsFromTheFormula() {
    double s = 4.0 * 2 * 20_614_824; // bytes per round and direction
    double link = 10e9 / 8;
    AveragingCostModel.Round r = m.round(32, 5, 10); // depth 2: 5 reducers of ceil(32 / 5) = 7 results
    assertEquals(5 * 32 / 250.0, r.compute(), 1e-12);
    assertEquals(2 * s / 2e9 + s / link, r.broadcast(), 1e-12);
    assertEquals(2 * s / 8e9, r.copies(), 1e-12);
    assertEquals(s / 2e9, r.results(), 1e-12);
    assertEquals(7 * s / link + 7 * s / 2e9 + s / 2e9 + 5 * s / link + 2 * s / 2e9, r.aggregate(), 1e-12);
    assertEquals(2 * 0.05, r.fixed(), 1e-12);
    assertEquals(r.compute() / (r.compute() + r.overhead()), r.efficiency(), 1e-12);

    AveragingCostModel.Round four = m.round(4, 5, 10); // depth 1: the driver receives all 4, one result thread each
    assertEquals(4 * s / link + s / 2e9, four.aggregate(), 1e-12);
    assertEquals(0.05, four.fixed(), 1e-12);
  }

  @Test
  void efficiencyFallsWithExecutorsAndRisesWithFrequencyAndBandwidth() {
    assertTrue(m.round(8, 5, 25).efficiency() > m.round(128, 5, 25).efficiency());
    assertTrue(m.round(32, 20, 25).efficiency() > m.round(32, 5, 25).efficiency());
    assertTrue(m.round(32, 5, 100).efficiency() > m.round(32, 5, 10).efficiency());
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(0, 0, 250, 32, 1e9, 1e9, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 0, 32, 1e9, 1e9, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 250, 32, 1e9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> m.round(0, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> m.round(8, 5, 0));
  }
}
