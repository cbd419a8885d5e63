package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AveragingCostModelTest {

  // cspresnext50's DL4J parameter count, momentum state, 250 images/s, batch 32, 1 GB/s codec, 0.2 s fixed
  private final AveragingCostModel m = new AveragingCostModel(20_614_824, 20_614_824, 250, 32, 1e9, 0.2);

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
    AveragingCostModel.Round r = m.round(32, 5, 10);
    double s = 4.0 * 2 * 20_614_824; // bytes per round and direction
    double link = 10e9 / 8;
    assertEquals(5 * 32 / 250.0, r.compute(), 1e-12);
    assertEquals(s / link, r.broadcast(), 1e-12);
    assertEquals((7 + 5) * s / link, r.aggregate(), 1e-12); // 5 reducers receive ceil(32 / 5) = 7, the driver 5
    // driver serialises, executor deserialises + serialises, reducer deserialises 7 + serialises 1, driver deserialises 5
    assertEquals(3 + 8 + 5, AveragingCostModel.codecPasses(32));
    assertEquals(16 * s / 1e9, r.codec(), 1e-12);
    assertEquals(r.compute() / (r.compute() + r.broadcast() + r.aggregate() + r.codec() + 0.2), r.efficiency(), 1e-12);
  }

  @Test
  void efficiencyFallsWithExecutorsAndRisesWithFrequencyAndBandwidth() {
    assertTrue(m.round(8, 5, 25).efficiency() > m.round(128, 5, 25).efficiency());
    assertTrue(m.round(32, 20, 25).efficiency() > m.round(32, 5, 25).efficiency());
    assertTrue(m.round(32, 5, 100).efficiency() > m.round(32, 5, 10).efficiency());
    AveragingCostModel.Round alone = m.round(1, 5, 10);
    assertEquals(0, alone.broadcast() + alone.aggregate() + alone.codec());
    assertEquals(3 + 4, AveragingCostModel.codecPasses(4)); // no reducers: the driver deserialises all 4
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(0, 0, 250, 32, 1e9, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 0, 32, 1e9, 0));
    assertThrows(IllegalArgumentException.class, () -> m.round(0, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> m.round(8, 5, 0));
  }
}
