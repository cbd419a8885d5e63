package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.results.ComparisonTable.Row;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PaperTableTest {

  @Test
  void theResourceHoldsThePublishedTable() {
    PaperTable p = PaperTable.load();
    assertEquals(Set.of("spinenet49", "cspresnext50", "cspresnet50", "cspdarknet53", "peleenet", "csppeleenet"),
        p.models());
    assertEquals(new PaperTable.Published(64.5, 86), p.cell(new Row("cspresnext50", "none"), "swish"));
    assertEquals(new PaperTable.Published(79.8, 95.2), p.cell(new Row("cspresnext50", "paper"), "mish"));
    assertEquals(new PaperTable.Published(71.4, 90.4), p.cell(new Row("peleenet", "none"), "mish"));
    assertNull(p.cell(new Row("spinenet49", "paper"), "leakyrelu"), "the paper has no LReLU SpineNet-49");
  }

  @Test
  void measuredRowsOfPaperModelsStandBesideThePublishedOnes() {
    ComparisonTable measured = ComparisonTable.of(List.of(
        RunResult.of("a", RunResult.Status.COMPLETE, "cspresnext50", "mish", "none", 1, 0.70, 0.90),
        RunResult.of("b", RunResult.Status.COMPLETE, "cspresnext50", "mish", "none", 2, 0.72, 0.90),
        RunResult.of("c", RunResult.Status.COMPLETE, "resnet20", "mish", "none", 1, 0.5, 0.8)));
    String md = PaperTable.load().toMarkdown(measured);
    assertTrue(md.contains("""
        | Model | Augmentation | Activation | Paper augmentation | Paper top-1 | Measured top-1 | Paper top-5 | Measured top-5 |
        | --- | --- | --- | --- | ---: | ---: | ---: | ---: |
        | cspresnext50 | none | LReLU | none | 77.9 | - | 94.0 | - |
        | cspresnext50 | none | Swish | none | 64.5 | - | 86.0 | - |
        | cspresnext50 | none | Mish | none | 78.9 | 71.0 ± 1.4 (2) | 94.5 | 90.0 ± 0.0 (2) |
        """), md);
    assertFalse(md.contains("| cspresnext50 | none | Mish | paper |"), "the paper's own augmentation matches");
    assertFalse(md.contains("resnet20 |"), "resnet20 is not in the paper");
  }

  @Test
  void aModelThePaperReportsOnlyWithAnotherAugmentationShowsThatRow() {
    ComparisonTable measured = ComparisonTable.of(List.of(
        RunResult.of("a", RunResult.Status.COMPLETE, "cspdarknet53", "mish", "none", 1, 0.70, 0.90)));
    assertTrue(PaperTable.load().toMarkdown(measured).contains(
        "| cspdarknet53 | none | Mish | paper | 78.7 | 70.0 (1) | 94.8 | 90.0 (1) |"));
  }

  @Test
  void noPaperModelMeasuredIsASentence() {
    ComparisonTable measured = ComparisonTable.of(List.of(
        RunResult.of("c", RunResult.Status.COMPLETE, "resnet20", "mish", "none", 1, 0.5, 0.8)));
    assertTrue(PaperTable.load().toMarkdown(measured).contains("No measured model appears in the paper's table"));
  }

  @Test
  void aMalformedLineIsNamed() {
    assertEquals("paper table line needs 5 fields, got 'a,b,c'",
        assertThrows(IllegalArgumentException.class, () -> PaperTable.parse("a,b,c")).getMessage());
  }
}
