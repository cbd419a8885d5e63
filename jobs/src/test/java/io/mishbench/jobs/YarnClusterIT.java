package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real YARN: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager that launches
 * containers as processes of this machine) with HDFS from a MiniDFSCluster, both in this JVM on
 * 127.0.0.1. The test writes HADOOP_CONF_DIR from the mini clusters' configurations, puts a tiny
 * prepared dataset and the experiment file on HDFS, and submits {@code benchmark --config hdfs://...}
 * through submit-scripts/submit-yarn.sh: in cluster deploy mode (the driver runs in YARN's
 * ApplicationMaster container and reads its config from HDFS) and in client mode. The run records on
 * HDFS must be COMPLETE and the script's exit status 0. A queue that does not exist starts nothing.
 *
 * <p>SPARK_HOME is a folder of this test: {@code jars/} is spark-runtime/target/jars (Spark 3.5 with
 * spark-yarn), {@code bin/spark-submit} runs Spark's launcher as Spark's own script does. Containers
 * find the Spark jars and the job jar on this machine ({@code local:} URIs), so nothing large is
 * uploaded to HDFS.
 */
class YarnClusterIT {

  static final Path ROOT = SubmitScriptsIT.ROOT;
  static final ObjectMapper JSON = new ObjectMapper();
  /** HDFS client settings for a one-DataNode cluster (as in HdfsPipelineIT). */
  static final Map<String, String> HDFS_CLIENT = Map.of(
      "dfs.replication", "1",
      "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10",
      "dfs.client.block.write.locateFollowingBlock.retries", "10");

  @TempDir static Path dir;
  static MiniDFSCluster dfs;
  static DistributedFileSystem hdfs;
  static MiniYARNCluster yarn;
  static Path hadoopConf;
  static Path sparkHome;
  static String hdfsUri;

  @BeforeAll
  static void start() throws Exception {
    Configuration dfsConf = new Configuration();
    dfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("minidfs").toString());
    HDFS_CLIENT.forEach(dfsConf::set);
    dfs = new MiniDFSCluster.Builder(dfsConf).numDataNodes(1).build();
    dfs.waitActive();
    hdfs = dfs.getFileSystem();
    hdfsUri = dfs.getURI().toString();

    YarnConfiguration yc = new YarnConfiguration();
    yc.set("fs.defaultFS", hdfsUri);
    HDFS_CLIENT.forEach(yc::set);
    yc.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    // bookkeeping only (the memory checks are off); MiniYARNCluster gives its NodeManagers this key's
    // value (default 4096 MB: the driver's container alone took 3.5 GB and no executor was ever allocated)
    yc.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 16384);
    yc.setInt(YarnConfiguration.NM_VCORES, 8);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 8192);
    yc.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    yc.set("yarn.scheduler.capacity.root.queues", "default");
    yc.set("yarn.scheduler.capacity.root.default.capacity", "100");
    yarn = new MiniYARNCluster("YarnClusterIT", 1, 1, 1);
    yarn.init(yc);
    yarn.start();
    assertTrue(yarn.waitForNodeManagersToConnect(60_000), "the NodeManager did not register");
    System.out.println("YarnClusterIT: " + yarnState());

    hadoopConf = Files.createDirectories(dir.resolve("hadoop-conf"));
    Configuration site = new Configuration(yarn.getConfig());
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
      site.writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfsUri);
    HDFS_CLIENT.forEach(core::set);
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("core-site.xml"))) {
      core.writeXml(out);
    }
    sparkHome = sparkHome();
    hdfs.mkdirs(new org.apache.hadoop.fs.Path("/spark-events"));
    hdfs.mkdirs(new org.apache.hadoop.fs.Path("/user/" + System.getProperty("user.name")));
    prepareDataset();
  }

  @AfterAll
  static void stop() {
    if (yarn != null) {
      yarn.stop();
    }
    if (dfs != null) {
      dfs.shutdown(true);
    }
  }

  /** A Spark "installation" of the build's jars, and a spark-submit that runs Spark's launcher like Spark's script. */
  static Path sparkHome() throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Files.createSymbolicLink(home.resolve("jars"), ROOT.resolve("spark-runtime/target/jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5 (the jars of mishbench's spark-runtime, for a test)\n");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path submit = bin.resolve("spark-submit");
    Files.writeString(submit, """
        #!/usr/bin/env bash
        # bin/spark-class of Spark, shortened: the launcher library prints messages (lines), a NUL and a
        # newline, then the command NUL-separated; the launcher's exit code follows
        set -euo pipefail
        export SPARK_SCALA_VERSION=2.12
        cmd=()
        delim=$'\n'
        started=no
        while IFS= read -d "$delim" -r arg; do
          if [ "$started" = yes ]; then
            cmd+=("$arg")
          elif [ -z "$arg" ]; then
            delim=''
            started=yes
          else
            echo "$arg"
          fi
        done < <("$JAVA_HOME/bin/java" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main \\
                   org.apache.spark.deploy.SparkSubmit "$@"; printf '%d\\0' $?)
        code="${cmd[${#cmd[@]}-1]}"
        [ "$code" = 0 ] || exit "$code"
        unset 'cmd[${#cmd[@]}-1]'
        exec "${cmd[@]}"
        """);
    submit.toFile().setExecutable(true);
    return home;
  }

  /** A tiny generated dataset, prepared locally and copied to hdfs:///datasets/prepared. */
  static void prepareDataset() throws Exception {
    assertEquals(0, launch("synth.log", "synth", "--output", dir.resolve("raw").toString(), "--classes", "3",
        "--per-class", "30", "--size", "20"), tail("synth.log"));
    assertEquals(0, launch("prepare.log", "prepare", "--input", dir.resolve("raw").toString(), "--output",
        dir.resolve("prepared").toString(), "--image-size", "20", "--shard-size", "30"), tail("prepare.log"));
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("prepared").toUri()),
        new org.apache.hadoop.fs.Path("/datasets/prepared"));
  }

  /** Writes the TinyGrid experiment with its results under hdfs:///{@code results} to HDFS; returns its URI. */
  static String configOnHdfs(String results) throws IOException {
    Path local = TinyGrid.write(dir.resolve(results + ".conf"), hdfsUri + "/datasets/prepared", hdfsUri + "/" + results,
        1, "mish");
    org.apache.hadoop.fs.Path onHdfs = new org.apache.hadoop.fs.Path("/conf/" + results + ".conf");
    hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), onHdfs);
    return hdfsUri + onHdfs;
  }

  @Test
  void aBenchmarkRunsInClusterDeployMode() throws Exception {
    String config = configOnHdfs("results-cluster");
    int code = submit("cluster.log", "--deploy-mode", "cluster", "--queue", "default", "benchmark", "--config", config);
    System.out.println("YarnClusterIT cluster mode:\n" + tail("cluster.log"));
    assertEquals(0, code, tail("cluster.log") + yarnState() + containerLogs());
    assertComplete("results-cluster");
  }

  @Test
  void aBenchmarkRunsInClientDeployMode() throws Exception {
    String config = configOnHdfs("results-client");
    int code = submit("client.log", "--deploy-mode", "client", "--conf", "spark.driver.host=127.0.0.1",
        "benchmark", "--config", config);
    assertEquals(0, code, tail("client.log") + yarnState() + containerLogs());
    assertComplete("results-client");
  }

  /**
   * An unknown queue never starts the application. submit-yarn.sh asks the ResourceManager's REST API
   * first (exit 2); this mini cluster's REST API answers with an HTML error page on Java 17 (its
   * Jersey/JAXB), so the check stands aside and YARN's own refusal through spark-submit is what the
   * user sees (exit 1, "unknown queue"). {@link #theScriptRefusesAQueueTheSchedulerDoesNotList} covers
   * the script's check against a ResourceManager whose REST API answers.
   */
  @Test
  void aQueueThatDoesNotExistIsRefusedBeforeAnythingRuns() throws Exception {
    String config = configOnHdfs("results-queue");
    int code = submit("queue.log", "--deploy-mode", "cluster", "--queue", "no-such-queue", "benchmark", "--config",
        config);
    String out = Files.readString(dir.resolve("queue.log"));
    System.out.println("YarnClusterIT unknown queue (exit " + code + "):\n" + tail("queue.log"));
    if (code == 2) {
      assertTrue(out.contains("the YARN queue 'no-such-queue' does not exist"), tail("queue.log"));
    } else {
      assertEquals(1, code, tail("queue.log") + rmWeb());
      assertTrue(out.contains("unknown queue: no-such-queue"), tail("queue.log"));
    }
    assertFalse(hdfs.exists(new org.apache.hadoop.fs.Path("/results-queue")), "nothing ran");
  }

  /** submit-yarn.sh's own queue check, against a ResourceManager REST API that answers (a stand-in for it). */
  @Test
  void theScriptRefusesAQueueTheSchedulerDoesNotList() throws Exception {
    HttpServer rest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] scheduler = """
        {"scheduler":{"schedulerInfo":{"type":"capacityScheduler","queueName":"root",
         "queues":{"queue":[{"queueName":"default"},{"queueName":"gpu"}]}}}}""".getBytes(StandardCharsets.UTF_8);
    rest.createContext("/ws/v1/cluster/scheduler", x -> {
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, scheduler.length);
      try (OutputStream o = x.getResponseBody()) {
        o.write(scheduler);
      }
    });
    rest.start();
    Path conf = Files.createDirectories(dir.resolve("hadoop-conf-rest"));
    Configuration site = new Configuration(yarn.getConfig());
    site.set(YarnConfiguration.RM_WEBAPP_ADDRESS, "127.0.0.1:" + rest.getAddress().getPort());
    try (OutputStream out = Files.newOutputStream(conf.resolve("yarn-site.xml"))) {
      site.writeXml(out);
    }
    Files.copy(hadoopConf.resolve("core-site.xml"), conf.resolve("core-site.xml"));
    try {
      Path saved = hadoopConf;
      hadoopConf = conf;
      int code;
      try {
        code = submit("queue-rest.log", "--queue", "no-such-queue", "benchmark", "--config", "unused.conf");
      } finally {
        hadoopConf = saved;
      }
      String out = Files.readString(dir.resolve("queue-rest.log"));
      assertEquals(2, code, out);
      assertTrue(out.contains("the YARN queue 'no-such-queue' does not exist") && out.contains("default gpu root"), out);
    } finally {
      rest.stop(0);
    }
  }

  /** One COMPLETE run with one epoch on HDFS, no lock or checkpoint left. */
  static void assertComplete(String results) throws IOException {
    FileStatus[] runs = hdfs.listStatus(new org.apache.hadoop.fs.Path("/" + results + "/runs"));
    assertEquals(1, runs.length, Arrays.toString(runs));
    JsonNode run;
    try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(runs[0].getPath(), "run.json"))) {
      run = JSON.readTree(in);
    }
    System.out.println("YarnClusterIT " + results + ": " + runs[0].getPath().getName() + " status "
        + run.get("status").asText() + ", top1 " + run.get("top1") + ", spark.master "
        + run.get("provenance").get("spark.master") + ", epochs " + run.get("epochs").size());
    assertEquals("COMPLETE", run.get("status").asText(), run.toString());
    assertEquals(1, run.get("epochs").size());
    assertTrue(run.get("top1").isNumber(), run.toString());
    assertEquals("yarn", run.get("provenance").get("spark.master").asText(), run.get("provenance").toString());
    List<String> names = Arrays.stream(hdfs.listStatus(runs[0].getPath())).map(f -> f.getPath().getName()).sorted()
        .toList();
    assertEquals(List.of("model.zip", "run.json"), names);
  }

  /** submit-yarn.sh with 2 executors of 1 core; returns its exit code. */
  static int submit(String log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/submit-yarn.sh").toString(),
        "--jar", "local://" + ROOT.resolve("jobs/target/mishbench-jobs.jar"),
        "--executors", "2", "--executor-cores", "1", "--executor-memory", "640m", "--executor-offheap", "768m",
        "--driver-memory", "1g", "--driver-offheap", "768m", "--event-log-dir", hdfsUri + "/spark-events",
        "--conf", "spark.yarn.jars=local:" + ROOT.resolve("spark-runtime/target/jars") + "/*",
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.yarn.am.memory=512m",
        "--conf", "spark.yarn.maxAppAttempts=1",
        "--conf", "spark.yarn.report.interval=5s"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("MISHBENCH_CONNECT_TIMEOUT", "5");
    pb.environment().remove("MISHBENCH_MASTER");
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(6, TimeUnit.MINUTES), log + " timed out:\n" + tail(log) + yarnState() + containerLogs());
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  static int launch(String log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/mishbench").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("MISHBENCH_MASTER", "local[2]");
    pb.environment().put("MISHBENCH_DRIVER_MEMORY", "1g");
    pb.environment().put("MISHBENCH_DRIVER_OFFHEAP", "1g");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " timed out");
    return p.exitValue();
  }

  /** What submit-yarn.sh's queue check reads: the web address in yarn-site.xml and the scheduler's answer. */
  static String rmWeb() {
    try {
      String web = yarn.getConfig().get(YarnConfiguration.RM_WEBAPP_ADDRESS);
      Process p = new ProcessBuilder("curl", "-s", "--max-time", "5", "http://" + web + "/ws/v1/cluster/scheduler")
          .redirectErrorStream(true).start();
      String body = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return "--- RM web " + web + ": " + body.substring(0, Math.min(600, body.length())) + "\n";
    } catch (IOException e) {
      return "--- RM web: " + e + "\n";
    }
  }

  /** The ResourceManager's view of its nodes and resources, for failures. */
  static String yarnState() {
    StringBuilder sb = new StringBuilder("--- YARN\n");
    var rm = yarn.getResourceManager();
    rm.getRMContext().getRMNodes().values().forEach(n -> sb.append("node ").append(n.getNodeID()).append(' ')
        .append(n.getState()).append(" total ").append(n.getTotalCapability()).append(" health '")
        .append(n.getHealthReport()).append("'\n"));
    sb.append("cluster resource ").append(rm.getResourceScheduler().getClusterResource()).append('\n');
    rm.getRMContext().getRMApps().values().forEach(a -> sb.append("app ").append(a.getApplicationId()).append(' ')
        .append(a.getState()).append(" queue ").append(a.getQueue()).append(" diagnostics '")
        .append(a.getDiagnostics()).append("'\n"));
    return sb.toString();
  }

  /** The tails of every container's stderr (the driver's in cluster mode, the executors'), for failures. */
  static String containerLogs() {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> s = Files.walk(ROOT.resolve("jobs/target/test/data/YarnClusterIT"))) {
      for (Path f : s.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        List<String> lines = Files.readAllLines(f);
        sb.append("--- ").append(f).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
      }
    } catch (IOException e) {
      sb.append("no container logs: ").append(e.getMessage());
    }
    return sb.toString();
  }

  static String tail(String log) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(log));
      return "--- " + log + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())) + "\n";
    } catch (IOException e) {
      return "--- " + log + ": " + e.getMessage() + "\n";
    }
  }
}
