package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {

  private static RunResult run(String model, String act, long seed, RunResult.Status status, double top1, double top5) {
    return RunResult.of(model + act + seed, status, model, act, "none", seed, top1, top5);
  }

  private static final List<RunResult> RUNS = List.of(
      run("cspresnet50", "mish", 1, RunResult.Status.COMPLETE, 0.80, 0.98),
      run("cspresnet50", "mish", 2, RunResult.Status.COMPLETE, 0.82, 0.99),
      run("cspresnet50", "leakyrelu", 1, RunResult.Status.COMPLETE, 0.79, 0.97),
      run("cspresnet50", "swish", 1, RunResult.Status.FAILED, 0.10, 0.50),
      run("cspresnet50", "relu", 1, RunResult.Status.DIVERGED, 0.90, 0.99),
      run("resnet20", "swish", 1, RunResult.Status.COMPLETE, 0.75, 0.96),
      run("resnet20", "leakyrelu:0.2", 1, RunResult.Status.COMPLETE, 0.70, 0.90));

  @Test
  void paperLayoutWithMeanStdAndSeedsOnlyCompleteRunsBestInBold() {
    ComparisonTable t = ComparisonTable.of(RUNS);
    assertEquals(List.of("leakyrelu", "leakyrelu:0.2", "swish", "mish"), t.activations());
    assertEquals(0.81, t.cell("cspresnet50", "none", "mish").top1(), 1e-12);
    assertEquals(Math.sqrt(0.0002), t.cell("cspresnet50", "none", "mish").top1Std(), 1e-12);
    assertTrue(Double.isNaN(t.cell("cspresnet50", "none", "leakyrelu").top1Std()), "no std from one seed");
    assertNull(t.cell("cspresnet50", "none", "swish"), "a failed run never enters the table");
    assertEquals(Set.of("mish"), t.best(new ComparisonTable.Row("cspresnet50", "none")));
    assertEquals(
        """
        | Model | Augmentation | LReLU top-1 | LReLU top-5 | LReLU(0.2) top-1 | LReLU(0.2) top-5 | Swish top-1 | Swish top-5 | Mish top-1 | Mish top-5 |
        | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        | cspresnet50 | none | 79.0 (1) | 97.0 (1) | - | - | - | - | **81.0 ± 1.4 (2)** | 98.5 ± 0.7 (2) |
        | resnet20 | none | - | - | 70.0 (1) | 90.0 (1) | **75.0 (1)** | 96.0 (1) | - | - |
        """,
        t.toMarkdown());
  }

  @Test
  void csvHasPercentTwoDecimalsRunsAndBestColumn() {
    assertEquals(
        """
        model,augmentation,leakyrelu_top1,leakyrelu_top1_std,leakyrelu_top5,leakyrelu_top5_std,leakyrelu_runs,\
        leakyrelu_0.2_top1,leakyrelu_0.2_top1_std,leakyrelu_0.2_top5,leakyrelu_0.2_top5_std,leakyrelu_0.2_runs,\
        swish_top1,swish_top1_std,swish_top5,swish_top5_std,swish_runs,mish_top1,mish_top1_std,mish_top5,mish_top5_std,mish_runs,best
        cspresnet50,none,79.00,,97.00,,1,,,,,0,,,,,0,81.00,1.41,98.50,0.71,2,mish
        resnet20,none,,,,,0,70.00,,90.00,,1,75.00,,96.00,,1,,,,,0,swish
        """,
        ComparisonTable.of(RUNS).toCsv());
  }

  @Test
  void tiesMarkEveryBestActivation() {
    ComparisonTable t = ComparisonTable.of(List.of(
        run("m", "mish", 1, RunResult.Status.COMPLETE, 0.5, 0.9), run("m", "swish", 1, RunResult.Status.COMPLETE, 0.5, 0.8)));
    assertEquals(Set.of("mish", "swish"), t.best(new ComparisonTable.Row("m", "none")));
    assertTrue(t.toCsv().endsWith(",swish;mish\n") || t.toCsv().endsWith(",mish;swish\n"), t.toCsv());
  }

  @Test
  void latexIsAPlainTabularWithEscapesAndBold() {
    String tex = ComparisonTable.of(List.of(
        RunResult.of("a", RunResult.Status.COMPLETE, "my_net", "mish", "cut&mix", 1, 0.5, 0.9),
        RunResult.of("b", RunResult.Status.COMPLETE, "my_net", "mish", "cut&mix", 2, 0.7, 0.9))).toLatex();
    assertEquals(
        """
        \\begin{tabular}{llrr}
        \\hline
        Model & Augmentation & Mish top-1 & Mish top-5 \\\\
        \\hline
        my\\_net & cut\\&mix & \\textbf{60.0 $\\pm$ 14.1 (2)} & 90.0 $\\pm$ 0.0 (2) \\\\
        \\hline
        \\end{tabular}
        """,
        tex);
  }

  @Test
  void latexAndHtmlEscapeEverySpecialCharacter() {
    assertEquals("\\textbackslash{}\\&\\%\\$\\#\\_\\{\\}\\textasciitilde{}\\textasciicircum{}", TextTable.latex("\\&%$#_{}~^"));
    assertEquals("&lt;b&gt; &amp; &quot;", TextTable.html("<b> & \""));
    String html = ComparisonTable.of(RUNS).text().toHtml();
    assertTrue(html.contains("<td class=\"num\"><strong>81.0 ± 1.4 (2)</strong></td>"), html);
    assertTrue(html.contains("<td class=\"num\">-</td>"), html);
  }
  /** {@code r} with other settings, and (to copy a record under another id) another run id. */
  private static RunResult with(RunResult r, String id, String key, Object value) {
    java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(r.config());
    config.put(key, value);
    return new RunResult(id, r.status(), r.model(), r.activation(), r.augmentation(), r.seed(), config, r.provenance(),
        r.epochs(), r.top1(), r.top5(), r.loss(), r.startedAt(), r.finishedAt(), r.error(), r.wallSeconds(),
        r.imagesPerSecond(), r.targetTop1(), r.secondsToTarget(), r.epochToTarget(), r.divergence(), r.attempts());
  }

  @Test
  void runsWhoseSettingsDifferAreNeverPooledAndNCountsSeeds() {
    RunResult a1 = with(Runs.complete("resnet20", "mish", "none", 1, 0.6, 0.9, 2), "a1", "training.epochs", 2);
    RunResult a2 = with(Runs.complete("resnet20", "mish", "none", 2, 0.7, 0.9, 2), "a2", "training.epochs", 2);
    RunResult copy = with(a2, "a2-copy", "training.epochs", 2); // the same seed and settings under another id
    RunResult b1 = with(Runs.complete("resnet20", "mish", "none", 1, 0.2, 0.5, 2), "b1", "training.epochs", 90);
    ComparisonTable t = ComparisonTable.of(java.util.List.of(a1, a2, copy, b1));
    assertEquals(2, t.rowCount(), t.rows().toString());
    ComparisonTable.Stats two = t.cell("resnet20", "none [training.epochs=2]", "mish");
    assertEquals(2, two.runs(), "two seeds, the copy counted once");
    assertEquals(0.65, two.top1(), 1e-12);
    assertEquals(1, t.cell("resnet20", "none [training.epochs=90]", "mish").runs());
    assertEquals(1, PairedDifferences.of(java.util.List.of(a1, b1,
        with(Runs.complete("resnet20", "leakyrelu", "none", 1, 0.5, 0.9, 2), "c1", "training.epochs", 2)))
        .differences().size(), "a pair only within one setting");
  }
}
