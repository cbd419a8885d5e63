package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatTablesTest {

  @TempDir Path dir;

  static final List<RunResult> RUNS = List.of(
      Runs.complete("resnet20", "mish", "none", 1, 0.6, 0.9, 3),
      Runs.complete("resnet20", "leakyrelu:0.2", "paper", 2, 0.4, 0.8, 1),
      Runs.diverged("resnet20", "swish", "none", 3),
      RunResult.of("odd,id \"q\"", RunResult.Status.RUNNING, "m", "mish", "none", 4, null, null));

  /** runs.csv parsed: one list of fields per line (RFC 4180 quotes). */
  static List<List<String>> parseCsv(String csv) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : csv.split("\n")) {
      List<String> fields = new ArrayList<>();
      StringBuilder f = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          fields.add(f.toString());
          f.setLength(0);
        } else {
          f.append(c);
        }
      }
      fields.add(f.toString());
      rows.add(fields);
    }
    return rows;
  }

  @Test
  void runsCsvHasTheListedColumnsAndValues() {
    List<List<String>> csv = parseCsv(RunsTable.toCsv(RUNS));
    assertEquals(List.of("run_id", "status", "model", "activation", "augmentation", "seed", "epochs", "top1", "top5",
        "loss", "wall_seconds", "images_per_second", "target_top1", "seconds_to_target", "epoch_to_target",
        "diverged_epoch", "diverged_step", "started_at", "finished_at", "git_commit", "width", "depth", "resolution",
        "optimizer", "learning_rate", "batch_size_per_worker", "workers"), csv.get(0));
    assertEquals(List.of("resnet20-mish-none-s1", "COMPLETE", "resnet20", "mish", "none", "1", "3", "0.6", "0.9", "1.2",
        "33.0", "10.0", "0.5", "11.0", "1", "", "", "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", "abc123", "0.5",
        "1.0", "16", "adam", "0.01", "8", "2"), csv.get(1));
    assertEquals("DIVERGED", csv.get(3).get(1));
    assertEquals(List.of("2", "17"), csv.get(3).subList(15, 17));
    assertEquals("odd,id \"q\"", csv.get(4).get(0), "quoted fields read back");
    assertEquals(5, csv.size());
  }

  @Test
  void parquetReadsBackEqualToCsv() throws IOException {
    Path file = dir.resolve("runs.parquet");
    Files.write(file, RunsParquet.bytes(RUNS));
    List<List<String>> csv = parseCsv(RunsTable.toCsv(RUNS));
    List<String> header = csv.get(0);
    List<List<String>> parquet = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri())).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
          row.add(g.getFieldRepetitionCount(i) == 0 ? "" : value(g, i, RunsTable.COLUMNS.get(i).type()));
        }
        parquet.add(row);
      }
    }
    assertEquals(csv.subList(1, csv.size()), parquet);
  }

  private static String value(Group g, int field, RunsTable.Type type) {
    return switch (type) {
      case STRING -> g.getString(field, 0);
      case LONG -> String.valueOf(g.getLong(field, 0));
      case DOUBLE -> String.valueOf(g.getDouble(field, 0));
    };
  }

  @Test
  void parquetIsTheSameBytesEachTime() {
    assertEquals(java.util.Arrays.toString(RunsParquet.bytes(RUNS)), java.util.Arrays.toString(RunsParquet.bytes(RUNS)));
  }

  @Test
  void epochsCsvHasOneLinePerEpochWithEmptyUnevaluatedAccuracies() {
    List<List<String>> csv = parseCsv(EpochsTable.toCsv(RUNS));
    assertEquals(EpochsTable.HEADER, csv.get(0));
    assertEquals(1 + 3 + 1 + 1, csv.size(), "3 epochs, 1 epoch, 1 epoch (diverged), none (running)");
    List<String> epoch2 = csv.get(2);
    assertEquals("2", epoch2.get(6));
    assertEquals(List.of("", "", ""), epoch2.subList(13, 16), "epoch 2 was not evaluated");
    assertEquals("0.6", csv.get(3).get(13));
    assertEquals("", csv.get(1).get(18), "no data-wait share reported for epoch 1");
  }

  @Test
  void aNumericConfigValueThatIsNotANumberIsNamed() {
    assertNull(RunsTable.convert(null, RunsTable.Type.LONG, "workers"));
    assertEquals(3L, RunsTable.convert("3", RunsTable.Type.LONG, "workers"));
    assertEquals("column workers needs a number, got 'many'", org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> RunsTable.convert("many", RunsTable.Type.LONG, "workers")).getMessage());
  }
}
