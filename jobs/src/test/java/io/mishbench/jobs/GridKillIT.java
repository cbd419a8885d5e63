package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training process is killed (SIGKILL, driver and all) in the middle of a grid and the same
 * benchmark is submitted again through the launcher: the final set of run records equals that of an
 * uninterrupted grid, every epoch is recorded exactly once, and no checkpoint or lock is left behind.
 */
class GridKillIT {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ProcessBuilder launcher(String log, String... args) {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/mishbench").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("MISHBENCH_MASTER", "local[2]");
    pb.environment().put("MISHBENCH_DRIVER_MEMORY", "2g");
    return pb;
  }

  private void run(String log, String... args) throws Exception {
    Process p = launcher(log, args).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " timed out");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve(log)));
  }

  private Path config(String results) throws IOException {
    return TinyGrid.write(dir.resolve(results + ".conf"), dir.resolve("prepared"), dir.resolve(results), 3,
        "leakyrelu, mish");
  }

  /** run id -> {status, epoch numbers, attempts} of every run.json under {@code results}. */
  private static Map<String, JsonNode> records(Path results) throws IOException {
    Map<String, JsonNode> out = new TreeMap<>();
    Path runs = results.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return out;
    }
    try (Stream<Path> s = Files.list(runs)) {
      for (Path run : s.toList()) {
        Path file = run.resolve("run.json");
        if (Files.exists(file)) {
          out.put(run.getFileName().toString(), JSON.readTree(file.toFile()));
        }
      }
    }
    return out;
  }

  private static List<Integer> epochs(JsonNode run) {
    List<Integer> e = new ArrayList<>();
    run.get("epochs").forEach(n -> e.add(n.get("epoch").asInt()));
    return e;
  }

  @Test
  void aGridKilledMidEpochEndsAsIfNeverInterrupted() throws Exception {
    run("synth.log", "synth", "--output", dir.resolve("raw").toString(), "--classes", "3", "--per-class", "60",
        "--size", "20");
    run("prepare.log", "prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "20", "--shard-size", "60");
    run("straight.log", "benchmark", "--config", config("straight").toString());

    Path killed = dir.resolve("killed");
    Process p = launcher("killed-1.log", "benchmark", "--config", config("killed").toString()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    boolean midRun = false;
    while (!midRun && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      try {
        midRun = records(killed).values().stream()
            .anyMatch(r -> "RUNNING".equals(r.get("status").asText()) && r.get("epochs").size() == 1);
      } catch (IOException e) {
        // a record being replaced at this instant: look again
      }
    }
    assertTrue(midRun, "the first cell never finished its first epoch:\n" + Files.readString(dir.resolve("killed-1.log")));
    Thread.sleep(1500); // into epoch 2
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    tree.add(p.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    for (ProcessHandle h : tree) {
      h.onExit().get(1, TimeUnit.MINUTES);
    }
    Map<String, JsonNode> atKill = records(killed);
    assertTrue(atKill.values().stream().noneMatch(r -> "COMPLETE".equals(r.get("status").asText())
        && epochs(r).size() < 3), "nothing complete before its time: " + atKill);

    run("killed-2.log", "benchmark", "--config", config("killed").toString());
    String rerun = Files.readString(dir.resolve("killed-2.log"));
    assertTrue(rerun.contains("(1 of them resumed)") || rerun.contains("(2 of them resumed)"), rerun);

    Map<String, JsonNode> straight = records(dir.resolve("straight"));
    Map<String, JsonNode> resumed = records(killed);
    assertEquals(straight.keySet(), resumed.keySet(), "the same cells, under the same run ids");
    assertEquals(2, resumed.size());
    int attempts = 0;
    for (String id : straight.keySet()) {
      assertEquals("COMPLETE", resumed.get(id).get("status").asText(), id);
      assertEquals(List.of(1, 2, 3), epochs(resumed.get(id)), id + ": each epoch exactly once");
      assertEquals(epochs(straight.get(id)), epochs(resumed.get(id)));
      assertEquals(straight.get(id).get("config"), resumed.get(id).get("config"));
      attempts += resumed.get(id).get("attempts").asInt();
      try (Stream<Path> files = Files.list(killed.resolve("runs").resolve(id))) {
        List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
        assertTrue(names.contains("model.zip"), names.toString());
        assertFalse(names.stream().anyMatch(n -> n.startsWith("checkpoint") || n.equals("lock")), names.toString());
      }
    }
    assertEquals(3, attempts, "one cell was started twice, the other once");
  }
}
