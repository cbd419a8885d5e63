package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cluster submit scripts, the GPU discovery script and the scheduled-run wrapper without a
 * cluster or a GPU: every --help, and every bad input that can be produced here refused with a
 * message and its exit code before anything starts. A missing GPU is played by a stub nvidia-smi on
 * the PATH that lists nothing (a machine without GPUs); a stub spark-submit records whether it ran.
 */
class SubmitScriptsHelpIT {

  static final Path SCRIPTS = SubmitScriptsIT.ROOT.resolve("submit-scripts");

  static final List<String> COMMON = List.of("--deploy-mode", "--jar", "--executors", "--executor-cores",
      "--executor-memory", "--executor-offheap", "--driver-memory", "--driver-offheap", "--gpus-per-executor",
      "--tasks-per-gpu", "--discovery-script", "--node-gpus", "--event-log-dir", "--conf", "--dry-run", "--help",
      "Example");

  @TempDir Path dir;

  record Result(int code, String out) {}

  static Stream<Arguments> helps() {
    return Stream.of(
        Arguments.of("submit-standalone.sh", concat(COMMON, "--master", "spark://", "SPARK_HOME")),
        Arguments.of("submit-yarn.sh", concat(COMMON, "--queue", "SPARK_HOME", "HADOOP_CONF_DIR")),
        Arguments.of("submit-k8s.sh", concat(COMMON, "--master", "k8s://", "--container-image", "--namespace",
            "--service-account", "nvidia.com")),
        Arguments.of("gpu-discovery.sh", List.of("nvidia-smi", "\"addresses\"", "Example")),
        Arguments.of("gpu-smoke.sh", List.of("--jar", "--force", "-Pcuda", "8.6", "Exit codes", "Example")),
        Arguments.of("scheduled-run.sh", List.of("--name", "--log-dir", "--lock-file", "--help", "75", "crontab")));
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  @ParameterizedTest
  @MethodSource("helps")
  void helpExitsZeroAndDescribesEveryOption(String script, List<String> mentions) throws Exception {
    Result help = run(Map.of(), script, "--help");
    assertEquals(0, help.code(), help.out());
    assertTrue(help.out().startsWith("Usage: " + script), help.out());
    for (String m : mentions) {
      assertTrue(help.out().contains(m), script + " --help does not mention " + m + ":\n" + help.out());
    }
  }

  static Stream<Arguments> submitScripts() {
    return Stream.of(
        Arguments.of("submit-standalone.sh", List.of("--master", "spark://127.0.0.1:1")),
        Arguments.of("submit-yarn.sh", List.of()),
        Arguments.of("submit-k8s.sh", List.of("--master", "k8s://https://127.0.0.1:1", "--container-image", "img")));
  }

  @ParameterizedTest
  @MethodSource("submitScripts")
  void aMissingJarIsExplained(String script, List<String> managerArgs) throws Exception {
    List<String> args = new ArrayList<>(managerArgs);
    args.addAll(List.of("benchmark", "--config", "x.conf"));
    Result r = run(Map.of("MISHBENCH_JAR", dir.resolve("none.jar").toString(), "SPARK_HOME", fakeSparkHome().toString(),
        "HADOOP_CONF_DIR", hadoopConf().toString()), script, args.toArray(String[]::new));
    assertEquals(2, r.code(), r.out());
    assertTrue(r.out().contains("none.jar is missing") && r.out().contains("mvn -B -DskipTests package"), r.out());
    assertNothingStarted();
  }

  @Test
  void helpAndVersionStartNoSpark() throws Exception {
    for (List<String> args : List.of(List.of("synth", "--help"), List.of("--version"), List.of("help", "train"))) {
      Result r = run(Map.of("SPARK_HOME", fakeSparkHome().toString()), "mishbench", args.toArray(String[]::new));
      assertEquals(0, r.code(), args + ": " + r.out());
      // SparkSubmit's own lines: its host name lookup ("Your hostname ... resolves to a loopback address"),
      // its logging set-up; the JVM's "Using incubator modules" line is not Spark's
      assertFalse(r.out().contains("hostname") || r.out().contains("loopback") || r.out().contains("SparkSubmit")
          || r.out().contains("Spark's default log4j profile") || r.out().contains(" WARN Utils"),
          args + " printed Spark's own lines:\n" + r.out());
      assertNothingStarted();
    }
    assertTrue(run(Map.of(), "mishbench", "synth", "--help").out().contains("Usage: mishbench synth"));
  }

  @Test
  void anUnreachableMasterIsRefusedQuickly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again below: nothing listens there
    }
    long start = System.nanoTime();
    Result r = run(Map.of(), "submit-standalone.sh", "--master", "spark://127.0.0.1:" + port, "train", "--config", "x.conf");
    assertEquals(3, r.code(), r.out());
    assertTrue(r.out().contains("spark://127.0.0.1:" + port + " is unreachable"), r.out());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "the reachability check has a short timeout");
    assertFalse(r.out().contains("Exception"), r.out());
  }

  @Test
  void yarnAndKubernetesNeedSparkHomeAndYarnItsConfiguration() throws Exception {
    Result yarn = run(Map.of(), "submit-yarn.sh", "train", "--config", "x.conf");
    assertEquals(2, yarn.code(), yarn.out());
    assertTrue(yarn.out().contains("SPARK_HOME is not set"), yarn.out());

    Result k8s = run(Map.of(), "submit-k8s.sh", "--master", "k8s://https://127.0.0.1:1", "--container-image", "img",
        "train", "--config", "x.conf");
    assertEquals(2, k8s.code(), k8s.out());
    assertTrue(k8s.out().contains("SPARK_HOME is not set"), k8s.out());

    Result noConf = run(Map.of("SPARK_HOME", fakeSparkHome().toString()), "submit-yarn.sh", "train", "--config", "x.conf");
    assertEquals(2, noConf.code(), noConf.out());
    assertTrue(noConf.out().contains("HADOOP_CONF_DIR is not set"), noConf.out());
    assertNothingStarted();
  }

  @Test
  void discoveryWithoutGpusFailsWithAMessage() throws Exception {
    Map<String, String> noGpu = Map.of("PATH", fakeNvidiaSmi("") + ":" + System.getenv("PATH"));
    Result r = run(noGpu, "gpu-discovery.sh");
    assertEquals(1, r.code(), r.out());
    assertTrue(r.out().contains("lists no GPU"), r.out());

    Result submit = run(noGpu, "submit-standalone.sh", "--master", "spark://127.0.0.1:1", "--dry-run",
        "--gpus-per-executor", "1", "train", "--config", "x.conf");
    assertEquals(4, submit.code(), submit.out());
    assertTrue(submit.out().contains("lists no GPU") && submit.out().contains("--node-gpus"), submit.out());
  }

  @Test
  void gpuSmokeSaysPlainlyWhatItFound() throws Exception {
    Result none = run(Map.of("PATH", fakeNvidiaSmi("") + ":" + System.getenv("PATH")), "gpu-smoke.sh", "--jar", "x.jar");
    assertEquals(4, none.code(), none.out());
    assertTrue(none.out().contains("FAILED: nvidia-smi lists no GPU"), none.out());

    Result hopper = run(Map.of("PATH", fakeNvidiaSmi("0, NVIDIA H200, 9.0\\n") + ":" + System.getenv("PATH")),
        "gpu-smoke.sh", "--jar", "x.jar");
    assertEquals(5, hopper.code(), hopper.out());
    assertTrue(hopper.out().contains("GPU 0: NVIDIA H200, compute capability 9.0: NOT supported"), hopper.out());
    assertTrue(hopper.out().contains("Use the CPU backend"), hopper.out());

    // an Ampere GPU with the CPU job jar: the step really runs, on ND4J's CPU backend, which must be called a failure
    Result cpuJar = run(Map.of("PATH", fakeNvidiaSmi("0, NVIDIA A100-SXM4-40GB, 8.0\\n") + ":" + System.getenv("PATH"),
            "MISHBENCH_DRIVER_MEMORY", "2g", "MISHBENCH_DRIVER_OFFHEAP", "1g"),
        "gpu-smoke.sh", "--jar", SubmitScriptsIT.ROOT.resolve("jobs/target/mishbench-jobs.jar").toString());
    assertEquals(1, cpuJar.code(), cpuJar.out());
    assertTrue(cpuJar.out().contains("compute capability 8.0: supported"), cpuJar.out());
    assertTrue(cpuJar.out().contains("FAILED: the step ran on ND4J's CpuBackend, not on CUDA"), cpuJar.out());
  }

  @Test
  void discoveryPrintsSparksResourceJsonAndMoreGpusThanANodeHasAreRefused() throws Exception {
    Map<String, String> twoGpus = Map.of("PATH", fakeNvidiaSmi("0\\n1\\n") + ":" + System.getenv("PATH"));
    Result r = run(twoGpus, "gpu-discovery.sh");
    assertEquals(0, r.code(), r.out());
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}", r.out().trim());

    Result three = run(twoGpus, "submit-standalone.sh", "--master", "spark://127.0.0.1:1", "--dry-run",
        "--gpus-per-executor", "3", "train", "--config", "x.conf");
    assertEquals(4, three.code(), three.out());
    assertTrue(three.out().contains("more than the 2 GPU(s)"), three.out());

    Result stated = run(Map.of(), "submit-standalone.sh", "--master", "spark://127.0.0.1:1", "--dry-run",
        "--gpus-per-executor", "2", "--node-gpus", "1", "train", "--config", "x.conf");
    assertEquals(4, stated.code(), stated.out());

    Result idle = run(Map.of(), "submit-standalone.sh", "--master", "spark://127.0.0.1:1", "--dry-run",
        "--executor-cores", "2", "--gpus-per-executor", "1", "--tasks-per-gpu", "4", "--node-gpus", "1",
        "train", "--config", "x.conf");
    assertEquals(2, idle.code(), idle.out());
    assertTrue(idle.out().contains("more than its 2 cores"), idle.out());
  }

  @Test
  void dryRunShowsTheSettingsTheOptionsBecome() throws Exception {
    Map<String, String> twoGpus = Map.of("PATH", fakeNvidiaSmi("0\\n1\\n") + ":" + System.getenv("PATH"));
    Result r = run(twoGpus, "submit-standalone.sh", "--master", "spark://127.0.0.1:1", "--dry-run",
        "--executors", "3", "--executor-cores", "2", "--executor-memory", "4g", "--executor-offheap", "2g",
        "--gpus-per-executor", "1", "--tasks-per-gpu", "2", "--conf", "spark.executor.extraJavaOptions=-Dmine=1",
        "--event-log-dir", dir.resolve("events").toString(), "benchmark", "--config", "x.conf");
    assertEquals(0, r.code(), r.out());
    for (String s : List.of("org.apache.spark.deploy.SparkSubmit", "spark.executor.instances=3", "spark.cores.max=6",
        "spark.executor.memory=4g", "spark.executor.memoryOverhead=3584m", "maxbytes=2048m",
        "maxphysicalbytes=7168m", "-Dmine=1", "java.util.concurrent.atomic", "spark.eventLog.enabled=true",
        "spark.eventLog.dir=file://" + dir.resolve("events"), "spark.executor.resource.gpu.amount=1",
        "spark.task.resource.gpu.amount=0.5", "gpu-discovery.sh", "mishbench-jobs.jar benchmark --config x.conf")) {
      assertTrue(r.out().contains(s), "no " + s + " in\n" + r.out());
    }
    assertFalse(Files.exists(dir.resolve("events")), "a dry run creates nothing");

    Result k8s = run(Map.of("SPARK_HOME", fakeSparkHome().toString()), "submit-k8s.sh", "--master",
        "k8s://https://127.0.0.1:1", "--dry-run", "--deploy-mode", "cluster", "--container-image", "img",
        "--jar", "local:///opt/mishbench/mishbench-jobs.jar", "--event-log-dir", "s3a://bucket/events",
        "--gpus-per-executor", "1", "--node-gpus", "8", "benchmark", "--config", "x.conf");
    assertEquals(0, k8s.code(), k8s.out());
    for (String s : List.of("spark.executor.resource.gpu.vendor=nvidia.com", "spark.kubernetes.container.image=img",
        "spark.driver.extraJavaOptions=", "--deploy-mode cluster", "spark.kubernetes.submission.waitAppCompletion=true")) {
      assertTrue(k8s.out().contains(s), "no " + s + " in\n" + k8s.out());
    }
    assertNothingStarted();
  }

  @Test
  void aCheckoutJarAndEventFolderWithSpacesAndQuotesArePassedWhole() throws Exception {
    Path checkout = dir.resolve("check out #1 'q' \"é\" %20");
    copyTree(SCRIPTS, checkout.resolve("submit-scripts"));
    copyTree(SubmitScriptsIT.ROOT.resolve("conf"), checkout.resolve("conf"));
    Path jar = Files.createDirectories(checkout.resolve("my jars [1]")).resolve("job #1.jar");
    Files.writeString(jar, "not really a jar");
    Path events = checkout.resolve("event logs ?x");
    Path home = dir.resolve("spark home");
    Files.createDirectories(home.resolve("bin"));
    executable(home.resolve("bin/spark-submit"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_OUT\"\n");
    Path args = dir.resolve("args.txt");
    try (ServerSocket master = new ServerSocket(0)) {
      List<String> cmd = List.of(checkout.resolve("submit-scripts/submit-standalone.sh").toString(), "--master",
          "spark://127.0.0.1:" + master.getLocalPort(), "--jar", jar.toString(), "--event-log-dir", events.toString(),
          "train", "--config", "x.conf");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
      pb.environment().putAll(Map.of("SPARK_HOME", home.toString(), "ARGS_OUT", args.toString(),
          "MISHBENCH_CONNECT_TIMEOUT", "2"));
      Process p = pb.redirectOutput(dir.resolve("out.txt").toFile()).start();
      assertTrue(p.waitFor(1, TimeUnit.MINUTES));
      assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out.txt")));
    }
    List<String> a = Files.readAllLines(args);
    assertTrue(a.contains(jar.toString()), "the jar, one argument: " + a);
    String javaOptions = a.get(a.indexOf("--driver-java-options") + 1);
    String log4j = java.util.Arrays.stream(javaOptions.split(" +"))
        .filter(o -> o.startsWith("-Dlog4j2.configurationFile=")).findFirst().orElseThrow();
    // Spark splits --driver-java-options at spaces: every piece must be a whole option naming the real file
    assertEquals(checkout.resolve("conf/log4j2.properties"),
        Path.of(java.net.URI.create(log4j.substring(log4j.indexOf('=') + 1))), javaOptions);
    String eventDir = a.stream().filter(o -> o.startsWith("spark.eventLog.dir=")).findFirst().orElseThrow();
    assertEquals(events, Path.of(java.net.URI.create(eventDir.substring(eventDir.indexOf('=') + 1))));
    assertTrue(Files.isDirectory(events));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  @Test
  void aScheduledClusterModeRunWaitsForTheApplicationAndPassesOnItsExitStatus() throws Exception {
    // spark-submit in cluster mode returns once the driver is submitted unless told to wait; this one
    // plays both: with the wait setting it "runs" the application for 3 s and reports its failure (7)
    Path home = dir.resolve("spark");
    Files.createDirectories(home.resolve("bin"));
    executable(home.resolve("bin/spark-submit"), "#!/bin/sh\ncase \"$*\" in\n"
        + "  *spark.standalone.submit.waitAppCompletion=true*) sleep 3; exit 7 ;;\n  *) exit 0 ;;\nesac\n");
    Path jar = Files.writeString(dir.resolve("job.jar"), "x");
    Path logs = dir.resolve("logs");
    try (ServerSocket master = new ServerSocket(0)) {
      String[] args = {"--log-dir", logs.toString(), "--name", "nightly", "submit-standalone.sh", "--master",
          "spark://127.0.0.1:" + master.getLocalPort(), "--deploy-mode", "cluster", "--jar", jar.toString(),
          "--event-log-dir", "hdfs://nn/events", "benchmark", "--config", "x.conf"};
      Process first = builder(Map.of("SPARK_HOME", home.toString()), "scheduled-run.sh", args)
          .redirectOutput(dir.resolve("first.txt").toFile()).start();
      Thread.sleep(1500);
      Result second = run(Map.of("SPARK_HOME", home.toString()), "scheduled-run.sh", args);
      assertEquals(75, second.code(), "the lock is held while the application runs: " + second.out());
      assertTrue(first.waitFor(60, TimeUnit.SECONDS));
      assertEquals(7, first.exitValue(), Files.readString(dir.resolve("first.txt")));
    }
  }

  @Test
  void scheduledRunsNeverOverlapLogAndPassOnFailures() throws Exception {
    Path logs = dir.resolve("logs");
    ProcessBuilder first = builder(Map.of(), "scheduled-run.sh", "--log-dir", logs.toString(), "--name", "nightly",
        "sleep", "6").redirectOutput(dir.resolve("first.txt").toFile());
    Process holder = first.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (logFiles(logs, "nightly-").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(1, logFiles(logs, "nightly-").size(), "the first run's log");
      Result second = run(Map.of(), "scheduled-run.sh", "--log-dir", logs.toString(), "--name", "nightly", "true");
      assertEquals(75, second.code(), second.out());
      assertTrue(second.out().contains("holds") && second.out().contains("nightly.lock"), second.out());
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "first run ended");
      assertEquals(0, holder.exitValue());
    } finally {
      holder.destroyForcibly();
    }
    List<Path> nightly = logFiles(logs, "nightly-");
    assertEquals(1, nightly.size(), "the refused run wrote no log: " + nightly);
    assertTrue(nightly.get(0).getFileName().toString().matches("nightly-\\d{8}T\\d{6}Z\\.log"), nightly.toString());
    assertTrue(Files.readString(nightly.get(0)).contains("finished with exit code 0"));

    Result failing = run(Map.of(), "scheduled-run.sh", "--log-dir", logs.toString(), "submit-standalone.sh",
        "--master", "spark://127.0.0.1:1", "train", "--config", "x.conf");
    assertEquals(3, failing.code(), failing.out());
    assertTrue(failing.out().contains("'submit-standalone' failed with exit code 3"), failing.out());
    List<Path> submitLogs = logFiles(logs, "submit-standalone-");
    assertEquals(1, submitLogs.size());
    assertTrue(Files.readString(submitLogs.get(0)).contains("is unreachable"));
  }

  private static List<Path> logFiles(Path logs, String prefix) throws IOException {
    if (!Files.isDirectory(logs)) {
      return List.of();
    }
    try (var s = Files.list(logs)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".log")).toList();
    }
  }

  /** A folder holding an nvidia-smi that prints {@code printf}'s rendering of {@code output}. */
  private Path fakeNvidiaSmi(String output) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("gpu-bin-" + output.length()));
    executable(bin.resolve("nvidia-smi"), "#!/bin/sh\nprintf '" + output + "'\n");
    return bin;
  }

  /** A SPARK_HOME whose spark-submit only leaves a marker: it must never run in these tests. */
  private Path fakeSparkHome() throws IOException {
    Path home = dir.resolve("spark");
    Files.createDirectories(home.resolve("bin"));
    executable(home.resolve("bin/spark-submit"), "#!/bin/sh\ntouch '" + dir.resolve("spark-submit-ran") + "'\n");
    return home;
  }

  private Path hadoopConf() throws IOException {
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Files.writeString(conf.resolve("yarn-site.xml"), """
        <configuration>
          <property><name>yarn.resourcemanager.address</name><value>127.0.0.1:1</value></property>
        </configuration>
        """);
    return conf;
  }

  private void assertNothingStarted() {
    assertFalse(Files.exists(dir.resolve("spark-submit-ran")), "spark-submit was started");
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private ProcessBuilder builder(Map<String, String> env, String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of(SCRIPTS.resolve(script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    for (String v : List.of("SPARK_HOME", "HADOOP_CONF_DIR", "YARN_CONF_DIR", "MISHBENCH_MASTER", "MISHBENCH_JAR",
        "MISHBENCH_EVENT_LOG_DIR", "MISHBENCH_LOG_DIR")) {
      pb.environment().remove(v);
    }
    pb.environment().put("MISHBENCH_CONNECT_TIMEOUT", "2");
    pb.environment().putAll(env);
    return pb;
  }

  private Result run(Map<String, String> env, String script, String... args) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process p = builder(env, script, args).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), script + " timed out");
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
