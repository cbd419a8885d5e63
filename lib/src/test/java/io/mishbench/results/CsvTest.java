package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Text that a spreadsheet would run as a formula is neutralised; numbers are never touched. */
class CsvTest {

  @ParameterizedTest
  @ValueSource(strings = {"=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\",\"y\")",
      "-cmd|' /C calc'!A0"})
  void formulaLikeTextGetsALeadingQuote(String text) {
    String field = Csv.field(text);
    String unquoted = field.startsWith("\"") ? field.substring(1, field.length() - 1).replace("\"\"", "\"") : field;
    assertEquals("'" + text, unquoted, field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-0.5", "+1", "-1e-3", "plain", "mish", "resnet20-mish-none-s1-abc"})
  void numbersAndPlainTextAreKept(String text) {
    assertEquals(text, Csv.field(text));
  }

  @Test
  void numericValuesAreNeverChanged() {
    assertEquals("-0.25,-3,\n", Csv.line(Arrays.asList(-0.25, -3L, null)));
  }

  @Test
  void aRunsErrorMessageInRunsCsvIsNeutralised() {
    RunResult r = RunResult.of("=run", RunResult.Status.FAILED, "resnet20", "mish", "none", 1, null, null);
    String csv = RunsTable.toCsv(List.of(r));
    assertTrue(csv.contains("'=run"), csv);
  }
}
