package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mishbench.model.ModelSpec;
import io.mishbench.model.ModelZoo;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private static LearningRateSchedule of(String kind, long warmup, int... milestones) {
    return new ExperimentConfig.Schedule(kind, warmup, 4, java.util.Arrays.stream(milestones).boxed().toList(), 0.1, 4,
        0.001).build(0.1, 100, 10);
  }

  @Test
  void eachKindFollowsItsFormula() {
    assertEquals(0.1, of("constant", 0).at(0), 1e-15);
    assertEquals(0.1, of("constant", 0).at(999), 1e-15);

    LearningRateSchedule step = of("step", 0, 3, 6);
    assertEquals(0.1, step.at(299), 1e-15);
    assertEquals(0.01, step.at(300), 1e-15);
    assertEquals(0.001, step.at(600), 1e-15);
    assertEquals(0.01, step.atEndOfEpoch(4), 1e-15);

    LearningRateSchedule cosine = of("cosine", 0);
    assertEquals(0.1, cosine.at(0), 1e-15);
    assertEquals(0.001 + 0.099 * 0.5, cosine.at(500), 1e-12);
    assertEquals(0.001, cosine.at(1000), 1e-12);

    LearningRateSchedule poly = of("poly", 0);
    assertEquals(0.1 * Math.pow(0.75, 4), poly.at(250), 1e-15);
    assertEquals(0.0, poly.at(1000), 1e-15);
  }

  @Test
  void warmUpIsDarknetsBurnIn() {
    LearningRateSchedule s = of("poly", 200);
    assertEquals(0.0, s.at(0), 1e-15);
    assertEquals(0.1 * Math.pow(0.5, 4), s.at(100), 1e-15);
    assertEquals(0.1 * Math.pow(1 - 200 / 1000.0, 4), s.at(200), 1e-15);
  }

  @Test
  void stepsPerEpochCountsFullAveragingRoundsAsDl4jDoes() {
    assertEquals(10, LearningRateSchedule.stepsPerEpoch(10, 5));
    assertEquals(15, LearningRateSchedule.stepsPerEpoch(11, 5));
    assertEquals(5, LearningRateSchedule.stepsPerEpoch(1, 5));
  }

  @Test
  void badArgumentsAreRefusedWithTheValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LearningRateSchedule("linear", 0.1, 10, 100, 0, 4, null, 0.1, 4, 0));
    assertEquals("unknown learning-rate schedule 'linear'; known: [constant, step, cosine, poly]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule("cosine", 0.1, 10, 100, 0, 4, null, 0.1, 4, 0.2));
  }

  @Test
  void travelsInsideTheNetworkConfigurationWithEachOptimizer() {
    LearningRateSchedule s = of("poly", 50);
    ExperimentConfig.Training base = new ExperimentConfig.Training(3, 2, 16, 5, "sgd", 0.1, 0.9, 5e-4, 64,
        ExperimentConfig.Schedule.CONSTANT, 1, 0);
    for (String optimizer : List.of("sgd", "nesterov", "adam")) {
      ExperimentConfig.Training t = new ExperimentConfig.Training(3, 2, 16, 5, optimizer, 0.1, 0.9, 5e-4, 64,
          base.schedule(), 1, 0);
      ComputationGraphConfiguration conf = ModelZoo.build(
          new ModelSpec("resnet20", "mish", 4, 16, 3, 0.25, 1.0), 1, SparkTrainer.updater(t, s), 5e-4);
      ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
      ComputationGraph net = new ComputationGraph(back);
      net.init();
      BaseLayer layer = (BaseLayer) net.getLayers()[0].conf().getLayer();
      assertEquals(SparkTrainer.updater(t, s), layer.getIUpdater(), optimizer);
      assertEquals(s.at(120), layer.getIUpdater().getLearningRate(120, 0), 1e-15, optimizer);
    }
  }
}
