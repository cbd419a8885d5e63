package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.results.PairedDifferences.Difference;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedDifferencesTest {

  private static RunResult run(String act, long seed, double top1) {
    return RunResult.of(act + seed, RunResult.Status.COMPLETE, "m", act, "none", seed, top1, 0.99);
  }

  @Test
  void pairsBySeedWithStudentInterval() {
    PairedDifferences d = PairedDifferences.of(List.of(
        run("mish", 1, 0.80), run("mish", 2, 0.82), run("mish", 3, 0.81), run("mish", 4, 0.50),
        run("leakyrelu", 1, 0.79), run("leakyrelu", 2, 0.80), run("leakyrelu", 3, 0.80), run("leakyrelu", 5, 0.1),
        run("swish", 2, 0.83),
        RunResult.of("f", RunResult.Status.FAILED, "m", "swish", "none", 1, 0.1, 0.2)));
    assertEquals(2, d.differences().size());
    Difference lrelu = d.differences().get(0);
    assertEquals("leakyrelu", lrelu.baseline());
    assertEquals(3, lrelu.pairs(), "seeds 1, 2, 3: seed 4 has no LReLU run, seed 5 no Mish run");
    // differences 1, 2, 1 pp: mean 4/3, sd 1/sqrt(3), half width t(0.975, 2) * sd / sqrt(3) = 4.302653 / 3
    assertEquals(4.0 / 3, lrelu.mean(), 1e-9);
    assertEquals(4.0 / 3 - 4.302652730 / 3, lrelu.lower(), 1e-6);
    assertEquals(4.0 / 3 + 4.302652730 / 3, lrelu.upper(), 1e-6);
    Difference swish = d.differences().get(1);
    assertEquals(1, swish.pairs(), "the failed swish run of seed 1 does not pair");
    assertEquals(-1.0, swish.mean(), 1e-9);
    assertTrue(Double.isNaN(swish.lower()) && Double.isNaN(swish.upper()), "no interval from one pair");
  }

  @Test
  void writesMarkdownAndCsv() {
    PairedDifferences d = PairedDifferences.of(List.of(run("mish", 1, 0.80), run("mish", 2, 0.82),
        run("leakyrelu", 1, 0.79), run("leakyrelu", 2, 0.80), run("swish", 1, 0.81)));
    assertEquals(
        """
        | Model | Augmentation | Comparison | n pairs | Mean top-1 difference (pp) | 95% CI (pp) |
        | --- | --- | --- | ---: | ---: | ---: |
        | m | none | Mish − LReLU | 2 | +1.50 | [-4.85, +7.85] |
        | m | none | Mish − Swish | 1 | -1.00 | - |
        """,
        d.toMarkdown());
    assertEquals(
        """
        model,augmentation,baseline,pairs,mean_diff_pp,ci_low_pp,ci_high_pp
        m,none,leakyrelu,2,1.5000,-4.8531,7.8531
        m,none,swish,1,-1.0000,,
        """,
        d.toCsv());
  }

  @Test
  void noPairsIsASentence() {
    PairedDifferences d = PairedDifferences.of(List.of(run("mish", 1, 0.8), run("leakyrelu", 2, 0.7)));
    assertTrue(d.differences().isEmpty());
    assertTrue(d.toMarkdown().startsWith("No row has"), d.toMarkdown());
  }
}
