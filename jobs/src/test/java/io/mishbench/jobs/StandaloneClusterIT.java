package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (a Master and two Workers as separate JVMs from
 * spark-runtime/target/jars, one core each) runs a tiny benchmark submitted through
 * submit-standalone.sh: two executors, parameter averaging over two workers, a complete run record
 * naming the cluster's master, and an event log. Then the faults: an executor JVM killed during
 * training, and the driver killed during a grid and the grid submitted again; both must end with
 * every cell COMPLETE exactly once. The cluster is torn down, executors included, whatever happens.
 */
class StandaloneClusterIT {

  static final Path ROOT = SubmitScriptsIT.ROOT;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<Process> cluster = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    for (int i = cluster.size() - 1; i >= 0; i--) { // workers (and their executors) first, then the master
      Process p = cluster.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBenchmarkRunsOnTwoStandaloneWorkers() throws Exception {
    Path cfg = gridConfig("results", 1, "mish");
    String master = startCluster();
    Path events = dir.resolve("events");
    Process p = submit(master, events, cfg, "submit.log");
    try {
      assertTrue(p.waitFor(8, TimeUnit.MINUTES), "the benchmark timed out:\n" + tail("submit.log"));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), tail("submit.log"));

    List<Path> runs;
    try (Stream<Path> s = Files.list(dir.resolve("results/runs"))) {
      runs = s.filter(r -> Files.exists(r.resolve("run.json"))).toList();
    }
    assertEquals(1, runs.size(), runs.toString());
    JsonNode run = JSON.readTree(runs.get(0).resolve("run.json").toFile());
    assertEquals("COMPLETE", run.get("status").asText(), run.toString());
    assertEquals(1, run.get("epochs").size());
    assertTrue(run.get("epochs").get(0).get("top1").isNumber(), run.toString());
    JsonNode provenance = run.get("provenance");
    assertEquals(master, provenance.get("spark.master").asText(), provenance.toString());
    assertEquals("2", provenance.get("spark.executor.instances").asText(), provenance.toString());
    for (int w = 1; w <= 2; w++) { // an executor ran on each worker: work-<w>/<app-id>/<executor-id>/stderr
      List<Path> stderr;
      try (Stream<Path> s = Files.walk(dir.resolve("work-" + w), 3)) {
        stderr = s.filter(f -> f.getFileName().toString().equals("stderr")).toList();
      }
      assertEquals(1, stderr.size(), "one executor on worker " + w + ": " + stderr);
      // each executor picked the ND4J build for its own CPU when it started (Nd4jBinaryPlugin)
      String log = Files.readString(stderr.get(0));
      assertTrue(log.contains("ND4J CPU build") && log.contains("chosen for this CPU"), "executor " + w + ":\n" + log);
    }
    try (Stream<Path> s = Files.list(events)) {
      assertTrue(s.anyMatch(f -> f.getFileName().toString().startsWith("app-")), "an event log in " + events);
    }
  }

  /** Starts a Master and two one-core Workers on 127.0.0.1 and waits for both workers; returns the master URL. */
  private String startCluster() throws Exception {
    int masterPort = freePort();
    int masterUi = freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    cluster.add(sparkDaemon("master.log", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUi)));
    for (int w = 1; w <= 2; w++) {
      cluster.add(sparkDaemon("worker-" + w + ".log", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "1", "--memory", "1g", "--webui-port", String.valueOf(freePort()),
          "--work-dir", Files.createDirectories(dir.resolve("work-" + w)).toString(), master));
    }
    awaitAliveWorkers(masterUi, 2);
    return master;
  }

  /** Starts {@code benchmark --config cfg} on the cluster through submit-standalone.sh (2 executors). */
  private Process submit(String master, Path events, Path cfg, String log) throws IOException {
    Files.createDirectories(events);
    ProcessBuilder submit = new ProcessBuilder(ROOT.resolve("submit-scripts/submit-standalone.sh").toString(),
        "--master", master, "--executors", "2", "--executor-cores", "1", "--executor-memory", "640m",
        "--executor-offheap", "768m", "--driver-memory", "1g", "--driver-offheap", "768m",
        "--event-log-dir", events.toString(), "--conf", "spark.driver.host=127.0.0.1",
        "benchmark", "--config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    environment(submit);
    return submit.start();
  }

  /**
   * Generates and prepares a tiny dataset, then writes the {@link TinyGrid} experiment of
   * {@code activations} for {@code epochs} epochs, results under {@code results}.
   */
  private Path gridConfig(String results, int epochs, String activations) throws Exception {
    launch("synth.log", "synth", "--output", dir.resolve("raw").toString(), "--classes", "3", "--per-class", "30",
        "--size", "20");
    launch("prepare.log", "prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "20", "--shard-size", "30");
    return TinyGrid.write(dir.resolve(results + ".conf"), dir.resolve("prepared"), dir.resolve(results), epochs,
        activations);
  }

  /** Waits until some run of {@code results} has finished exactly one epoch and is still RUNNING. */
  private void awaitFirstEpoch(Path results, Process submit, String log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (System.nanoTime() < deadline && submit.isAlive()) {
      if (Files.isDirectory(results.resolve("runs"))) {
        try (Stream<Path> s = Files.list(results.resolve("runs"))) {
          for (Path run : s.toList()) {
            try {
              JsonNode r = JSON.readTree(run.resolve("run.json").toFile());
              if ("RUNNING".equals(r.get("status").asText()) && r.get("epochs").size() == 1) {
                return;
              }
            } catch (IOException e) {
              // not written yet, or being replaced: look again
            }
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no run finished its first epoch while the benchmark ran:\n" + tail(log));
  }

  /** Runs {@code p} to its end (8 minutes at most) and returns its exit code; its process tree is killed after. */
  private int finish(Process p, String log) throws Exception {
    try {
      assertTrue(p.waitFor(8, TimeUnit.MINUTES), "the benchmark timed out:\n" + tail(log));
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Every cell COMPLETE once, each epoch recorded once, no checkpoint or lock left; returns total attempts. */
  private int assertGridComplete(Path results) throws IOException {
    List<Path> runs;
    try (Stream<Path> s = Files.list(results.resolve("runs"))) {
      runs = s.sorted().toList();
    }
    assertEquals(2, runs.size(), "one folder per cell: " + runs);
    int attempts = 0;
    for (Path run : runs) {
      JsonNode r = JSON.readTree(run.resolve("run.json").toFile());
      assertEquals("COMPLETE", r.get("status").asText(), run.toString());
      List<Integer> epochs = new ArrayList<>();
      r.get("epochs").forEach(e -> epochs.add(e.get("epoch").asInt()));
      assertEquals(List.of(1, 2, 3), epochs, run + ": each epoch exactly once");
      attempts += r.get("attempts").asInt();
      try (Stream<Path> files = Files.list(run)) {
        List<String> names = files.map(f -> f.getFileName().toString()).toList();
        assertTrue(names.contains("model.zip") && names.stream().noneMatch(n -> n.startsWith("checkpoint")
            || n.equals("lock") || n.startsWith("run.json.corrupt")), names.toString());
      }
    }
    return attempts;
  }

  @Test
  void anExecutorKilledDuringTrainingIsRecoveredAndEveryCellCompletesOnce() throws Exception {
    Path cfg = gridConfig("results", 3, "leakyrelu, mish");
    String master = startCluster();
    Process p = submit(master, dir.resolve("events"), cfg, "submit-1.log");
    awaitFirstEpoch(dir.resolve("results"), p, "submit-1.log");
    List<ProcessHandle> executors = cluster.get(1).descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    assertEquals(1, executors.size(), "worker 1 runs one executor");
    executors.get(0).destroyForcibly();
    int code = finish(p, "submit-1.log");
    if (code != 0) { // Spark's task retries did not save the epoch: mishbench's resume must
      System.out.println("StandaloneClusterIT: the first submission failed after the executor was killed ("
          + code + "); resubmitting. Its log ended:\n" + tail("submit-1.log"));
      assertEquals(0, finish(submit(master, dir.resolve("events"), cfg, "submit-2.log"), "submit-2.log"),
          tail("submit-2.log"));
    }
    assertGridComplete(dir.resolve("results"));
  }

  @Test
  void aDriverKilledDuringAGridIsResubmittedAndNoCellIsLostOrDuplicated() throws Exception {
    Path cfg = gridConfig("results", 3, "leakyrelu, mish");
    String master = startCluster();
    Process p = submit(master, dir.resolve("events"), cfg, "submit-1.log");
    awaitFirstEpoch(dir.resolve("results"), p, "submit-1.log");
    Thread.sleep(1000); // into the second epoch
    List<ProcessHandle> driver = new ArrayList<>(p.descendants().toList());
    driver.add(p.toHandle());
    driver.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : driver) {
      h.onExit().get(1, TimeUnit.MINUTES);
    }
    assertEquals(0, finish(submit(master, dir.resolve("events"), cfg, "submit-2.log"), "submit-2.log"),
        tail("submit-2.log"));
    assertTrue(Files.readString(dir.resolve("submit-2.log")).contains("(1 of them resumed)"), tail("submit-2.log"));
    assertEquals(3, assertGridComplete(dir.resolve("results")), "the interrupted cell was started twice, the other once");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void environment(ProcessBuilder pb) throws IOException {
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("MISHBENCH_MASTER");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("MISHBENCH_CONNECT_TIMEOUT", "5");
  }

  /**
   * A Master or Worker JVM. Workers need a SPARK_HOME with jars/ and RELEASE (for the executors'
   * class path) and SPARK_SCALA_VERSION (dl4j-facts.md).
   */
  private Process sparkDaemon(String log, String mainClass, String... args) throws IOException {
    Path home = dir.resolve("spark-home");
    if (!Files.exists(home)) {
      Files.createDirectories(home);
      Files.createSymbolicLink(home.resolve("jars"), ROOT.resolve("spark-runtime/target/jars"));
      Files.writeString(home.resolve("RELEASE"), "Spark 3.5 (the jars of mishbench's spark-runtime, for a test)\n");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "-cp", ROOT.resolve("spark-runtime/target/jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    environment(pb);
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  private void awaitAliveWorkers(int masterUi, int expected) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    int alive = -1;
    while (System.nanoTime() < deadline) {
      try {
        JsonNode state = JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
        alive = state.path("aliveworkers").asInt(-1);
        if (alive == expected) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      for (Process p : cluster) {
        assertTrue(p.isAlive(), "a cluster JVM died:\n" + tail("master.log") + tail("worker-1.log") + tail("worker-2.log"));
      }
      Thread.sleep(500);
    }
    throw new AssertionError(alive + " of " + expected + " workers alive after 2 minutes:\n" + tail("master.log")
        + tail("worker-1.log") + tail("worker-2.log"));
  }

  private void launch(String log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/mishbench").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    environment(pb);
    pb.environment().put("MISHBENCH_MASTER", "local[2]");
    pb.environment().put("MISHBENCH_DRIVER_MEMORY", "1g");
    pb.environment().put("MISHBENCH_DRIVER_OFFHEAP", "1g");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " timed out");
    assertEquals(0, p.exitValue(), tail(log));
  }

  private String tail(String log) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(log));
      return "--- " + log + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())) + "\n";
    } catch (IOException e) {
      return "--- " + log + ": " + e.getMessage() + "\n";
    }
  }
}
