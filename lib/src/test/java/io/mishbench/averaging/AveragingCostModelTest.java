package io.mishbench.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AveragingCostModelTest {

  // cspresnext50's DL4J parameter count with momentum, 250 images/s at batch 32, ImageNet's epoch; 8 GB/s copies,
  // 4 GB/s adds, 0.1 ms a hop, 0.2 s a stage
  private final AveragingCostModel m = new AveragingCostModel(20_614_824, 20_614_824, 250, 32,
      AveragingCostModel.IMAGENET_TRAIN_IMAGES, 8e9, 4e9, 1e-4, 0.2);

  @Test
  void roundAddsItsPartsFromTheFormula() {
    double s = 4.0 * 2 * 20_614_824; // bytes of state
    double link = 10e9 / 8;
    AveragingCostModel.Round r = m.round(32, 5, 10);
    int rounds = (int) Math.ceil(1_281_167 / (32.0 * 32 * 5));
    assertEquals(rounds, r.roundsPerEpoch());
    assertEquals(5 * 32 / 250.0, r.compute(), 1e-12);
    assertEquals(31 * 1e-4, r.sync(), 1e-12);
    assertEquals(31 / 32.0 * s * (2 / link + 1 / 4e9) + 62 * 1e-4, r.allReduce(), 1e-12);
    assertEquals((0.2 + 33 * s / link + s / 8e9) / rounds, r.epoch(), 1e-12);
    assertEquals(r.compute() / (r.compute() + r.overhead()), r.efficiency(), 1e-12);
  }

  @Test
  void oneExecutorMovesNothingAndSharedCoresSlowEveryCpuBoundRate() {
    AveragingCostModel.Round one = m.round(1, 1, 10);
    assertEquals(0, one.sync(), 0);
    assertEquals(0, one.allReduce(), 0);
    AveragingCostModel.Round own = m.round(4, 1, 10, 1, true);
    AveragingCostModel.Round half = m.round(4, 1, 10, 0.5, true);
    assertEquals(2 * (own.allReduce() - 6 * 1e-4), half.allReduce() - 6 * 1e-4, 1e-9, "loopback and adds at half speed");
    AveragingCostModel.Round nic = m.round(4, 1, 10, 0.5, false);
    assertTrue(nic.allReduce() < half.allReduce(), "a real link does not slow down with the CPU");
  }

  @Test
  void efficiencyFallsWithExecutorsAndRisesWithFrequencyAndBandwidth() {
    assertTrue(m.round(2, 5, 25).efficiency() > m.round(128, 5, 25).efficiency());
    assertTrue(m.round(32, 20, 25).efficiency() > m.round(32, 5, 25).efficiency());
    assertTrue(m.round(32, 5, 100).efficiency() > m.round(32, 5, 10).efficiency());
  }

  @Test
  void aRingRoundCostsAboutTheSameOnEightAndOnThirtyTwoExecutors() {
    // the ring's bytes per executor approach 2 S whatever N is: bandwidth does not run out as N grows
    double eight = m.round(8, 5, 25).allReduce();
    double many = m.round(32, 5, 25).allReduce();
    assertTrue(many / eight < 1.2, eight + " s on 8, " + many + " s on 32");
  }

  @Test
  void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(0, 0, 250, 32, 1000, 1e9, 1e9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 0, 32, 1000, 1e9, 1e9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 250, 32, 1000, 0, 1e9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 250, 32, 1000, 1e9, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new AveragingCostModel(10, 0, 250, 32, 0, 1e9, 1e9, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> m.round(0, 5, 10));
    assertThrows(IllegalArgumentException.class, () -> m.round(8, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> m.round(8, 5, 10, 1.5, true));
  }
}
