package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real S3 API: S3Proxy (jobs/target/s3proxy/s3proxy.jar, copied by the build) serves
 * a bucket on 127.0.0.1 from a folder of this test, and {@code prepare}, a one-cell {@code benchmark}
 * and {@code aggregate} run through submit-scripts/mishbench with the prepared dataset, the results
 * store and the aggregate on {@code s3a://}. Endpoint, path-style access and credentials are
 * {@code spark.hadoop.*} settings in a spark-defaults.conf (SPARK_CONF_DIR), as a user would give them.
 * Run locks cannot live on S3 (RunLock): the first benchmark is refused with exit code 2, the second
 * keeps its locks in a local folder. Then the bad input: an endpoint that refuses connections and
 * missing credentials, each exit code 2 with one sentence, before Spark starts.
 *
 * <p>S3Proxy keeps the objects in memory (jclouds' transient blob store: its file-system store cannot
 * list an empty folder marker, which real S3 can); the test creates the bucket with the AWS SDK and
 * reads what the jobs wrote back through S3A. No process of this test contacts anything but 127.0.0.1: only S3A's key-based credentials provider is
 * configured and the AWS SDK's instance metadata lookup is disabled.
 */
class S3PipelineIT {

  static final Path ROOT = SubmitScriptsIT.ROOT;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUCKET = "mishbench";
  static final String KEY = "mishbench-test";
  static final String SECRET = "mishbench-test-secret";

  @TempDir static Path dir;
  static Process s3proxy;
  static int port;
  /** The bucket, read by this test through S3A. */
  static FileSystem s3;

  @BeforeAll
  static void startS3() throws Exception {
    System.setProperty("com.amazonaws.sdk.disableEc2Metadata", "true"); // this JVM's SDK client too
    port = freePort();
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + KEY,
        "s3proxy.credential=" + SECRET,
        "jclouds.provider=transient", ""));
    Path jar = ROOT.resolve("jobs/target/s3proxy/s3proxy.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is missing: the build copies it (mvn -pl jobs verify)");
    s3proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toString(), "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        assertTrue(s3proxy.isAlive() && System.nanoTime() < deadline, "S3Proxy did not start:\n" + tail("s3proxy.log"));
        Thread.sleep(200);
      }
    }
    AmazonS3 client = AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration("http://127.0.0.1:" + port, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(KEY, SECRET)))
        .build();
    client.createBucket(BUCKET);
    client.shutdown();
    Configuration conf = new Configuration();
    settings(Map.of()).forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
    s3 = FileSystem.newInstance(URI.create("s3a://" + BUCKET + "/"), conf);
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (s3proxy != null) {
      s3proxy.destroy();
      if (!s3proxy.waitFor(20, TimeUnit.SECONDS)) {
        s3proxy.destroyForcibly();
      }
    }
  }

  /** The S3A settings a user gives Spark, as spark-defaults.conf lines; {@code changes} replace or drop (null) some. */
  static Path sparkConf(String name, Map<String, String> changes) throws IOException {
    Map<String, String> s = settings(changes);
    Path conf = Files.createDirectories(dir.resolve(name));
    Files.writeString(conf.resolve("spark-defaults.conf"),
        s.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
    return conf;
  }

  static Map<String, String> settings(Map<String, String> changes) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + port);
    s.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
    s.put("spark.hadoop.fs.s3a.path.style.access", "true");
    s.put("spark.hadoop.fs.s3a.access.key", KEY);
    s.put("spark.hadoop.fs.s3a.secret.key", SECRET);
    // keys from the settings only: never the instance metadata service of a cloud host
    s.put("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.putAll(changes);
    s.values().removeIf(v -> v == null);
    return s;
  }

  private static org.apache.hadoop.fs.Path object(String key) {
    return new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/" + key);
  }

  private static String read(String key) throws IOException {
    try (InputStream in = s3.open(object(key))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void preparesBenchmarksAndAggregatesOnS3() throws Exception {
    Path conf = sparkConf("spark-conf", Map.of());
    String bucket = "s3a://" + BUCKET;
    assertEquals(0, launch(conf, "synth.log", "synth", "--output", dir.resolve("raw").toString(), "--classes", "3",
        "--per-class", "30", "--size", "20"), tail("synth.log"));
    assertEquals(0, launch(conf, "prepare.log", "prepare", "--input", dir.resolve("raw").toString(),
        "--output", bucket + "/prepared", "--image-size", "20", "--shard-size", "30"), tail("prepare.log"));
    assertTrue(s3.getFileStatus(object("prepared/manifest.json")).getLen() > 0, "manifest.json in the bucket");

    Path cfg = TinyGrid.write(dir.resolve("s3.conf"), bucket + "/prepared", bucket + "/results", 1, "mish");
    // run locks on S3 are refused, with what to set instead
    assertEquals(2, launch(conf, "refused.log", "benchmark", "--config", cfg.toString()), tail("refused.log"));
    String refused = Files.readString(dir.resolve("refused.log"));
    assertTrue(refused.contains("cannot hold a run lock") && refused.contains("spark.hadoop.mishbench.results.lock"),
        tail("refused.log"));
    assertFalse(s3.exists(object("results")), "nothing written to the store");

    Path locks = dir.resolve("locks");
    Path lockConf = sparkConf("spark-conf-locks", Map.of("spark.hadoop.mishbench.results.lock", locks.toUri().toString()));
    assertEquals(0, launch(lockConf, "benchmark.log", "benchmark", "--config", cfg.toString()), tail("benchmark.log"));
    FileStatus[] runs = s3.listStatus(object("results/runs"));
    assertEquals(1, runs.length, Arrays.toString(runs));
    String runId = runs[0].getPath().getName();
    JsonNode run = JSON.readTree(read("results/runs/" + runId + "/run.json"));
    System.out.println("S3PipelineIT: " + runId + " status " + run.get("status").asText() + ", top1 " + run.get("top1")
        + ", top5 " + run.get("top5") + ", epochs " + run.get("epochs").size() + ", wallSeconds " + run.get("wallSeconds"));
    assertEquals("COMPLETE", run.get("status").asText(), run.toString());
    assertEquals(1, run.get("epochs").size());
    assertTrue(run.get("top1").isNumber() && run.get("top5").isNumber(), run.toString());
    assertTrue(run.get("config").get("dataset").asText().startsWith(bucket + "/prepared"), run.get("config").toString());
    List<String> names = Arrays.stream(s3.listStatus(runs[0].getPath())).map(f -> f.getPath().getName()).sorted().toList();
    assertEquals(List.of("model.zip", "run.json"), names, "no lock, checkpoint or temporary file left in the bucket");
    assertTrue(Files.isDirectory(locks.resolve(runId)), "the run's lock folder, on local disk");

    assertEquals(0, launch(conf, "aggregate.log", "aggregate", "--results", bucket + "/results", "--output",
        bucket + "/aggregate"), tail("aggregate.log"));
    for (String f : List.of("comparison.md", "comparison.csv", "runs.csv", "runs.parquet", "epochs.csv", "report.html")) {
      assertTrue(s3.getFileStatus(object("aggregate/" + f)).getLen() > 0, f + " in the bucket");
    }
    String table = read("aggregate/comparison.md");
    System.out.println("S3PipelineIT: comparison.md\n" + table);
    assertTrue(table.contains("| resnet20 | none |"), table);
    assertTrue(read("aggregate/runs.csv").contains("COMPLETE"), read("aggregate/runs.csv"));
  }

  @Test
  void anEndpointThatRefusesIsABadInputBeforeSparkStarts() throws Exception {
    Path conf = sparkConf("spark-conf-refused", Map.of("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + freePort()));
    Path cfg = TinyGrid.write(dir.resolve("refused.conf"), "s3a://" + BUCKET + "/prepared", "s3a://" + BUCKET + "/r", 1,
        "mish");
    long start = System.nanoTime();
    assertEquals(2, launch(conf, "endpoint.log", "benchmark", "--config", cfg.toString()), tail("endpoint.log"));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    String out = Files.readString(dir.resolve("endpoint.log"));
    assertTrue(out.contains("connection refused") && out.contains("spark.hadoop.fs.s3a.endpoint"), tail("endpoint.log"));
    assertFalse(out.contains("Running Spark version"), "no Spark context was started:\n" + tail("endpoint.log"));
    assertTrue(seconds < 60, "reported after " + seconds + " s");
  }

  @Test
  void missingCredentialsAreABadInputBeforeSparkStarts() throws Exception {
    Map<String, String> noKeys = new LinkedHashMap<>();
    noKeys.put("spark.hadoop.fs.s3a.access.key", null);
    noKeys.put("spark.hadoop.fs.s3a.secret.key", null);
    Path conf = sparkConf("spark-conf-nokeys", noKeys);
    Path raw = Files.createDirectories(dir.resolve("raw-empty"));
    assertEquals(2, launch(conf, "nokeys.log", "prepare", "--input", raw.toString(), "--output",
        "s3a://" + BUCKET + "/nokeys"), tail("nokeys.log"));
    String out = Files.readString(dir.resolve("nokeys.log"));
    assertTrue(out.contains("no S3 credentials") && out.contains("spark.hadoop.fs.s3a.access.key"), tail("nokeys.log"));
    assertFalse(out.contains("Running Spark version"), "no Spark context was started:\n" + tail("nokeys.log"));
  }

  private static int launch(Path sparkConf, String log, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/mishbench").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("HADOOP_CONF_DIR");
    pb.environment().remove("AWS_ACCESS_KEY_ID");
    pb.environment().remove("AWS_SECRET_ACCESS_KEY");
    pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    pb.environment().put("SPARK_CONF_DIR", sparkConf.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("MISHBENCH_MASTER", "local[2]");
    pb.environment().put("MISHBENCH_DRIVER_MEMORY", "1g");
    pb.environment().put("MISHBENCH_DRIVER_OFFHEAP", "1g");
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " timed out:\n" + tail(log));
      return p.exitValue();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String tail(String log) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(log));
      return "--- " + log + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())) + "\n";
    } catch (IOException e) {
      return "--- " + log + ": " + e.getMessage() + "\n";
    }
  }
}
