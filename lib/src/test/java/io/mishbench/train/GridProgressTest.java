package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mishbench.results.RunResult;
import io.mishbench.results.RunResult.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridProgressTest {

  private static RunResult run(String model, List<EpochMetrics> epochs) {
    return new RunResult("id", RunResult.Status.RUNNING, model, "mish", "none", 1, Map.of(), Map.of(), epochs, null,
        null, null, "t", null, null, null, null, null, null, null, null, 1);
  }

  private static EpochMetrics epoch(int e, double elapsed, Double top1) {
    return new EpochMetrics(e, 50, 1000, 20, 4, 0.5, 0.1, top1, top1 == null ? null : 0.99, null, 5, elapsed, null, null);
  }

  @Test
  void printsCellEpochLossAccuracyThroughputAndTimeLeft() {
    var cells = List.of(new ExperimentConfig.Cell("resnet20", "mish", "none", 1),
        new ExperimentConfig.Cell("resnet20", "swish", "none", 1),
        new ExperimentConfig.Cell("resnet20", "leakyrelu", "none", 1),
        new ExperimentConfig.Cell("peleenet", "mish", "none", 1));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GridProgress p = new GridProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), cells,
        new boolean[] {true, true, false, true}, 4);
    p.cell(0).epochDone(run("resnet20", List.of(epoch(1, 60, 0.5))), 4);
    p.cell(0).epochDone(run("resnet20", List.of(epoch(1, 60, 0.5), epoch(2, 120, null))), 4);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    // cell 1: 3 epochs x 60 s left; cell 2: 4 x 60 s; cell 3 is complete; cell 4 (another model): 4 x 60 s
    assertEquals("[cell 1/4] resnet20/none mish seed 1 | epoch 1/4 | loss 0.5000 | top-1 50.00% | 20.0 img/s"
        + " | cell ~3m00s left | grid ~11m00s left", lines[0]);
    assertEquals("[cell 1/4] resnet20/none mish seed 1 | epoch 2/4 | loss 0.5000 | top-1 - | 20.0 img/s"
        + " | cell ~2m00s left | grid ~10m00s left", lines[1]);
    assertEquals("~1h02m", GridProgress.duration(3725));
    assertEquals("~12s", GridProgress.duration(12.4));
  }
}
