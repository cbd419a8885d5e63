package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.mishbench.fs.HadoopFiles;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notebooks/results.ipynb executed headless (jupyter nbconvert) on an aggregate of runs that really
 * trained: synth, prepare, benchmark (resnet20 at width 0.25 and 16 px, one epoch, LReLU and Mish x
 * two seeds, Spark local[2]) and aggregate, all through {@link Main}. Without {@code jupyter} on the
 * PATH the test is skipped, except on CI ({@code CI=true}), where .ci/run installs it.
 */
class NotebookIT {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

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
  void theResultsNotebookRunsOnARealAggregate() throws Exception {
    if (!onPath("jupyter")) {
      if ("true".equals(System.getenv("CI"))) {
        fail("jupyter is not on the PATH: .ci/run installs it (jupyter-nbconvert python3-pandas python3-matplotlib"
            + " python3-ipykernel); install those Debian packages to run this test");
      }
      Assumptions.abort("jupyter is not on the PATH: install jupyter-nbconvert python3-pandas python3-matplotlib"
          + " python3-ipykernel to execute notebooks/results.ipynb");
    }
    assertEquals(0, Main.run("synth", "--output", dir.resolve("raw").toString(), "--classes", "3", "--per-class", "24",
        "--size", "16"));
    assertEquals(0, Main.run("prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "16", "--shard-size", "30"));
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, """
        dataset = "%s"
        results = "%s"
        width = 0.25
        resolution = 16
        training { epochs = 1, workers = 2, batch-size-per-worker = 8, averaging-frequency = 2, optimizer = adam, learning-rate = 0.01 }
        grid { models = [resnet20], activations = [leakyrelu, mish], seeds = [1, 2] }
        """.formatted(dir.resolve("prepared"), dir.resolve("results")));
    assertEquals(0, Main.run("benchmark", "--config", cfg.toString()));
    Path aggregate = dir.resolve("aggregate");
    assertEquals(0, Main.run("aggregate", "--results", dir.resolve("results").toString(), "--output",
        aggregate.toString()));
    assertTrue(Files.readString(aggregate.resolve("runs.csv")).contains("resnet20"));

    Path executed = dir.resolve("executed");
    ProcessBuilder pb = new ProcessBuilder("jupyter", "nbconvert", "--to", "notebook", "--execute",
        "--ExecutePreprocessor.timeout=120", "--output-dir", executed.toString(),
        ROOT.resolve("notebooks/results.ipynb").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nbconvert.log").toFile());
    pb.environment().put("MISHBENCH_AGGREGATE", aggregate.toString());
    Process p = pb.start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("nbconvert ran for over 150 s");
    }
    String log = Files.readString(dir.resolve("nbconvert.log"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), log);
    StringBuilder outputs = new StringBuilder();
    int images = 0;
    for (JsonNode cell : HadoopFiles.JSON.readTree(executed.resolve("results.ipynb").toFile()).get("cells")) {
      for (JsonNode output : cell.path("outputs")) {
        outputs.append(output.path("text")).append(output.path("data").path("text/plain")).append('\n');
        images += output.path("data").has("image/png") ? 1 : 0;
      }
    }
    assertTrue(outputs.toString().contains("resnet20") && outputs.toString().contains("Mish top1"),
        "the comparison table is an output: " + outputs);
    assertEquals(2, images, "one curve plot (resnet20, none) and the bar chart");
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
