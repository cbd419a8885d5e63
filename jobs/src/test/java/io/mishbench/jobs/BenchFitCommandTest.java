package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench-fit trains the config's cell in this process on every training image of the prepared
 * dataset, in minibatches of batch-size-per-worker, once per epoch, and reports each epoch; the
 * cost model prints its table for the executors and links asked for.
 */
class BenchFitCommandTest {

  @TempDir Path dir;

  @BeforeEach
  void master() {
    System.setProperty("spark.master", "local[2]"); // prepare runs on Spark
  }

  @AfterEach
  void clear() {
    System.clearProperty("spark.master");
  }

  private static List<String> stdout(String... args) {
    PrintStream before = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args), String.join(" ", args));
    } finally {
      System.setOut(before);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void fitsEveryTrainingImageOncePerEpoch() throws Exception {
    assertEquals(0, Main.run("synth", "--output", dir.resolve("raw").toString(), "--classes", "3", "--per-class", "20",
        "--size", "16"));
    assertEquals(0, Main.run("prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "16", "--shard-size", "25"));
    long trainImages = new ObjectMapper().readTree(dir.resolve("prepared/manifest.json").toFile())
        .path("train").path("count").asLong();
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, "dataset = \"" + dir.resolve("prepared") + "\"\nresults = \"" + dir.resolve("results") + "\"\n"
        + "model = resnet20\nactivation = mish\nwidth = 0.25\n"
        + "training { epochs = 2, workers = 2, batch-size-per-worker = 8, optimizer = adam, learning-rate = 0.01 }\n");
    List<JsonNode> epochs = stdout("bench-fit", "--config", cfg.toString()).stream().filter(l -> l.startsWith("{"))
        .map(l -> {
          try {
            return new ObjectMapper().readTree(l);
          } catch (Exception e) {
            throw new AssertionError(l, e);
          }
        }).toList();
    assertEquals(2, epochs.size(), epochs.toString());
    for (int e = 0; e < 2; e++) {
      JsonNode j = epochs.get(e);
      assertEquals(e + 1, j.get("epoch").asInt());
      assertTrue(trainImages > 0);
      assertEquals(trainImages, j.get("images").asLong(), "every training image once");
      assertEquals((trainImages + 7) / 8, j.get("minibatches").asLong(), "minibatches of batch-size-per-worker");
      assertTrue(j.get("seconds").asDouble() > 0 && Double.isFinite(j.get("loss").asDouble()), j.toString());
    }
    assertTrue(Files.notExists(dir.resolve("results")), "bench-fit records nothing");
  }

  @Test
  void costModelPrintsOneRowPerExecutorCountAndLink() {
    List<String> out = stdout("bench-cost-model", "--model", "resnet20", "--resolution", "32", "--classes", "10",
        "--images-per-sec", "100", "--stage-seconds", "0.1", "--executors", "4,16", "--gbit", "10", "--frequencies", "5");
    List<String> rows = out.stream().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
    assertEquals(2, rows.size(), String.join("\n", out));
    // ImageNet's 1,281,167 images over 4 x 32 images per round at F = 1: 10,010 rounds an epoch
    assertTrue(rows.get(0).startsWith("| 4 | 10 | 10010 |"), rows.get(0));
    assertTrue(rows.get(1).startsWith("| 16 | 10 | 2503 |"), rows.get(1));
    assertTrue(out.stream().anyMatch(l -> l.contains("loopback") && l.contains("adds")), String.join("\n", out));
    List<String> loop = stdout("bench-cost-model", "--model", "resnet20", "--resolution", "32", "--classes", "10",
        "--images-per-sec", "100", "--batch", "4", "--images-per-epoch", "200", "--stage-seconds", "0.1",
        "--executors", "2,4", "--loopback", "--cores", "2", "--frequencies", "1,5");
    assertEquals(2, loop.stream().filter(l -> l.matches("\\| \\d+ \\| loopback .*")).count(), String.join("\n", loop));
  }
}
