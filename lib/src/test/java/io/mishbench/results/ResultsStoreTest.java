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

class ResultsStoreTest {

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
}
