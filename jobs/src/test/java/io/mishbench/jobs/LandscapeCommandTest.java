package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mishbench landscape} end to end on a tiny config, in-process; bad input refused before any work. */
class LandscapeCommandTest {

  @TempDir Path dir;

  private Path tinyConfig() throws Exception {
    return Files.writeString(dir.resolve("tiny.conf"), """
        # a robustness block of the other half of issue 10 is ignored by landscape
        robustness { whatever = 1 }
        landscape {
          activations = [mish, relu]
          output-landscape { resolution = 24, hidden = [8, 4] }
          loss-landscape {
            eval-examples = 48
            resolution = 3
            train { model = cnn, width = 0.5, examples = 96, epochs = 1, batch-size = 32 }
          }
        }
        """);
  }

  @Test
  void writesPicturesCsvsAndSummaryAndReusesItsRuns() throws Exception {
    Path out = dir.resolve("out");
    MainTest.Outcome o = MainTest.run("landscape", "--config", tinyConfig().toString(), "--output", out.toString());
    assertEquals(0, o.code(), o.err());
    for (String a : List.of("mish", "relu")) {
      for (String kind : List.of("output-landscape-", "loss-landscape-")) {
        assertTrue(Files.size(out.resolve(kind + a + ".png")) > 100, kind + a);
        assertTrue(Files.isRegularFile(out.resolve(kind + a + ".csv")), kind + a);
      }
    }
    assertEquals(1 + 24 * 24, Files.readAllLines(out.resolve("output-landscape-relu.csv")).size());
    assertEquals(1 + 3 * 3, Files.readAllLines(out.resolve("loss-landscape-mish.csv")).size());
    String summary = Files.readString(out.resolve("summary.md"));
    assertTrue(summary.contains("## Output landscape") && summary.contains("## Loss landscape"), summary);
    assertTrue(summary.contains("| relu |") && summary.contains("trained run cnn-mish-none-s1-"), summary);
    assertTrue(Files.isDirectory(out.resolve("results/runs")), "default store: <output>/results");

    MainTest.Outcome again = MainTest.run("landscape", "--config", tinyConfig().toString(), "--output", out.toString(),
        "--set", "landscape.output-landscape.enabled=false");
    assertEquals(0, again.code(), again.err());
    assertTrue(Files.readString(out.resolve("summary.md")).contains("reused run cnn-relu-none-s1-"),
        Files.readString(out.resolve("summary.md")));
  }

  @Test
  void badInputIsRefusedBeforeAnyWork() throws Exception {
    Path out = dir.resolve("never");
    MainTest.Outcome o = MainTest.run("landscape", "--config", tinyConfig().toString(), "--output", out.toString(),
        "--set", "landscape.loss-landscape.checkpoints=[\"" + dir.resolve("nope.zip") + "\"]");
    assertEquals(Main.BAD_INPUT, o.code(), o.err());
    assertTrue(o.err().contains("nope.zip does not exist"), o.err());
    MainTest.Outcome range = MainTest.run("landscape", "--config", tinyConfig().toString(), "--output", out.toString(),
        "--set", "landscape.loss-landscape.range=[1, 0]", "--set", "landscape.activations=[tanh]");
    assertEquals(Main.BAD_INPUT, range.code(), range.err());
    assertTrue(range.err().contains("landscape.loss-landscape.range: min must be below max")
        && range.err().contains("unknown activation 'tanh'"), range.err());
    assertFalse(Files.exists(out), "nothing written");
  }
}
