package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's path through the real commands, tiny: synth, prepare, benchmark (Spark local[2],
 * two parameter-averaging workers), a resumed benchmark that trains nothing, aggregate.
 */
class CommandLinePipelineTest {

  @TempDir Path dir;

  @BeforeEach
  void master() {
    System.setProperty("spark.master", "local[2]");
  }

  @AfterEach
  void clear() {
    System.clearProperty("spark.master");
  }

  @Test
  void synthPrepareBenchmarkResumeAggregate() throws Exception {
    assertEquals(0, Main.run("synth", "--output", dir.resolve("raw").toString(), "--classes", "3", "--per-class", "40",
        "--size", "16"));
    assertEquals(0, Main.run("prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "16", "--shard-size", "30"));
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, """
        dataset = prepared
        results = results
        width = 0.5
        training { epochs = 1, workers = 2, batch-size-per-worker = 8, averaging-frequency = 2, optimizer = adam, learning-rate = 0.01 }
        grid { models = [resnet20], activations = [leakyrelu, mish] }
        """.replace("prepared", dir.resolve("prepared").toString()).replace("results = results", "results = \"" + dir.resolve("results") + "\""));
    assertEquals(0, Main.run("benchmark", "--config", cfg.toString()));
    try (var runs = Files.list(dir.resolve("results/runs"))) {
      assertEquals(2, runs.count());
    }
    long before = Files.getLastModifiedTime(dir.resolve("results/runs").toFile().listFiles()[0].toPath().resolve("run.json")).toMillis();
    assertEquals(0, Main.run("benchmark", "--config", cfg.toString()), "rerun finds both runs complete");
    long after = Files.getLastModifiedTime(dir.resolve("results/runs").toFile().listFiles()[0].toPath().resolve("run.json")).toMillis();
    assertEquals(before, after, "a complete run is not trained again");

    assertEquals(0, Main.run("aggregate", "--results", dir.resolve("results").toString(), "--output", dir.resolve("table").toString()));
    String md = Files.readString(dir.resolve("table/comparison.md"));
    assertTrue(md.contains("| resnet20 | none |"), md);
    assertTrue(md.contains("LReLU top-1") && md.contains("Mish top-5"), md);
    assertTrue(Files.readString(dir.resolve("table/comparison.csv")).startsWith("model,augmentation,leakyrelu_top1"));
  }
}
