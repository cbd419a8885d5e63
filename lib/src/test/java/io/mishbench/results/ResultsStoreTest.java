package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ResultsStoreTest {

  @TempDir Path dir;

  private ResultsStore store() {
    return new ResultsStore(dir.toUri(), new Configuration());
  }

  private Path runJson(String id) throws Exception {
    Path p = dir.resolve("runs").resolve(id).resolve(ResultsStore.RUN_FILE);
    Files.createDirectories(p.getParent());
    return p;
  }

  @Test
  void aRecordRoundTripsAndIsFound() {
    RunResult r = RunResult.of("a", RunResult.Status.COMPLETE, "resnet20", "mish", "none", 1, 0.5, 0.9);
    ResultsStore s = store();
    s.write(r);
    assertEquals(new ResultsStore.Lookup.Found(r), s.lookup("a"));
    assertInstanceOf(ResultsStore.Lookup.Missing.class, s.lookup("b"));
  }

  @Test
  void halfWrittenAndInconsistentRecordsAreCorruptNotTrusted() throws Exception {
    ResultsStore s = store();
    s.write(RunResult.of("whole", RunResult.Status.COMPLETE, "resnet20", "mish", "none", 1, 0.5, 0.9));
    String json = Files.readString(runJson("whole"));
    Files.writeString(runJson("half"), json.replace("\"whole\"", "\"half\"").substring(0, json.length() / 2));
    Files.writeString(runJson("other"), json); // the record of another run id
    Files.writeString(runJson("noacc"), json.replace("\"whole\"", "\"noacc\"").replace("\"top1\" : 0.5", "\"top1\" : null"));

    var half = assertInstanceOf(ResultsStore.Lookup.Corrupt.class, s.lookup("half"));
    assertTrue(half.file().toString().endsWith("runs/half/run.json"), half.file().toString());
    assertEquals("records run id whole, not other",
        assertInstanceOf(ResultsStore.Lookup.Corrupt.class, s.lookup("other")).reason());
    assertEquals("COMPLETE without final top-1 and top-5",
        assertInstanceOf(ResultsStore.Lookup.Corrupt.class, s.lookup("noacc")).reason());

    var aside = s.quarantine("half");
    assertTrue(Files.exists(Path.of(aside)), aside.toString());
    assertFalse(Files.exists(runJson("half")));
    assertInstanceOf(ResultsStore.Lookup.Missing.class, s.lookup("half"));
  }
  /**
   * Adds fields this version does not know to every record object in {@code node} (a later version's
   * record); free-form maps (a run's config and provenance) have no fixed fields and are left alone.
   */
  public static void addUnknownFields(com.fasterxml.jackson.databind.JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      java.util.List<com.fasterxml.jackson.databind.JsonNode> children = new java.util.ArrayList<>();
      o.fields().forEachRemaining(f -> {
        if (!java.util.Set.of("config", "provenance").contains(f.getKey())) {
          children.add(f.getValue());
        }
      });
      children.forEach(ResultsStoreTest::addUnknownFields);
      o.put("addedInALaterVersion", 42);
      o.putObject("laterBlock").put("x", "y");
    } else {
      node.elements().forEachRemaining(ResultsStoreTest::addUnknownFields);
    }
  }

  @Test
  void aRecordWithFieldsOfALaterVersionIsReadNotQuarantined() throws Exception {
    RunResult.EpochMetrics e1 = new RunResult.EpochMetrics(1, 1, 10, 10, 1, 0.5, 0.1, 0.4, 0.8, 1.2, 0.1, 1.1, 0.2, null);
    RunResult r = new RunResult("later", RunResult.Status.COMPLETE, "resnet20", "mish", "none", 1,
        java.util.Map.of("training.epochs", 1), java.util.Map.of("git", "abc"), java.util.List.of(e1), 0.4, 0.8, null,
        "1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z", null, null, null, null, null, null, null, 1);
    ResultsStore s = store();
    s.write(r);
    var json = io.mishbench.fs.HadoopFiles.JSON.readTree(runJson("later").toFile());
    addUnknownFields(json);
    Files.writeString(runJson("later"), json.toPrettyString());
    assertTrue(Files.readString(runJson("later")).contains("addedInALaterVersion"));

    assertEquals(new ResultsStore.Lookup.Found(r), s.lookup("later"), "read with the fields it knows");
    assertEquals(java.util.List.of(r), s.list(), "the aggregate reads it too");
  }
}
