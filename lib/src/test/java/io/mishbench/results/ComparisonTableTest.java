package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

  private static RunResult run(String model, String act, long seed, RunResult.Status status, double top1, double top5) {
    return RunResult.of(model + act + seed, status, model, act, "none", seed, top1, top5);
  }

  @Test
  void paperLayoutWithMeanAndStdOverSeedsOnlyCompleteRuns() {
    ComparisonTable t =
        ComparisonTable.of(List.of(
            run("cspresnet50", "mish", 1, RunResult.Status.COMPLETE, 0.80, 0.98),
            run("cspresnet50", "mish", 2, RunResult.Status.COMPLETE, 0.82, 0.99),
            run("cspresnet50", "leakyrelu", 1, RunResult.Status.COMPLETE, 0.79, 0.97),
            run("cspresnet50", "swish", 1, RunResult.Status.FAILED, 0.10, 0.50),
            run("resnet20", "swish", 1, RunResult.Status.COMPLETE, 0.75, 0.96)));
    assertEquals(List.of("leakyrelu", "swish", "mish"), t.activations());
    assertEquals(0.81, t.cell("cspresnet50", "none", "mish").top1(), 1e-12);
    assertEquals(Math.sqrt(0.0002), t.cell("cspresnet50", "none", "mish").top1Std(), 1e-12);
    assertNull(t.cell("cspresnet50", "none", "swish"), "a failed run never enters the table");
    assertEquals(
        """
        | Model | Augmentation | LReLU top-1 | LReLU top-5 | Swish top-1 | Swish top-5 | Mish top-1 | Mish top-5 |
        | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
        | cspresnet50 | none | 79.0 | 97.0 | - | - | 81.0 ± 1.4 | 98.5 ± 0.7 |
        | resnet20 | none | - | - | 75.0 | 96.0 | - | - |
        """,
        t.toMarkdown());
    assertEquals(
        """
        model,augmentation,leakyrelu_top1,leakyrelu_top1_std,leakyrelu_top5,leakyrelu_top5_std,leakyrelu_runs,swish_top1,swish_top1_std,swish_top5,swish_top5_std,swish_runs,mish_top1,mish_top1_std,mish_top5,mish_top5_std,mish_runs
        cspresnet50,none,79.00,0.00,97.00,0.00,1,,,,,0,81.00,1.41,98.50,0.71,2
        resnet20,none,,,,,0,75.00,0.00,96.00,0.00,1,,,,,0
        """,
        t.toCsv());
  }
}
