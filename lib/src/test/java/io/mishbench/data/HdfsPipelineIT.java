package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import io.mishbench.results.ResultsStore;
import io.mishbench.results.RunResult;
import io.mishbench.train.ConfigLoader;
import io.mishbench.train.ExperimentConfig;
import io.mishbench.train.SparkSetup;
import io.mishbench.train.SparkTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real HDFS: an in-process {@link MiniDFSCluster} (one NameNode, one DataNode, on
 * 127.0.0.1, storage under a temporary folder) holds the raw dataset, the prepared dataset and the
 * results store; Spark runs in local[2].
 *
 * <p>Spark's default file system stays {@code file:///} on purpose: every location is a full
 * {@code hdfs://host:port/...} URI, so code that resolved a path against the default file system
 * instead of its own URI would fail here ("Wrong FS") rather than pass by accident.
 *
 * <p>Nothing outside the machine is needed: no HADOOP_HOME, winutils or native libraries (Hadoop's
 * Java code paths are used), and every server binds to the loopback address.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a stuck HDFS client retries for a long time
class HdfsPipelineIT {

  private static final int CLASSES = 3;
  private static final int PER_CLASS = 20;
  private static final int SIZE = 16;

  /**
   * HDFS client settings for a one-DataNode cluster, given to the cluster's and to Spark's Hadoop
   * configuration: one replica; and close() asks the NameNode again after 10 ms, not 400 ms, when
   * the DataNode has not yet reported the file's block (otherwise each small file costs ~0.4 s).
   */
  private static final Map<String, String> HDFS_CLIENT =
      Map.of(
          "dfs.replication", "1",
          "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10",
          "dfs.client.block.write.locateFollowingBlock.retries", "10");

  @TempDir static java.nio.file.Path dir;
  static MiniDFSCluster cluster;
  static DistributedFileSystem hdfs;
  static JavaSparkContext sc;
  static Level hadoopLogLevel;

  @BeforeAll
  static void start() throws Exception {
    SparkConf spark =
        new SparkConf().setMaster("local[2]").setAppName("hdfs-pipeline")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.ui.enabled", "false");
    HDFS_CLIENT.forEach((k, v) -> spark.set("spark.hadoop." + k, v));
    sc = new JavaSparkContext(SparkSetup.withDefaults(spark));
    // after Spark has set up logging: HDFS logs every RPC and block at INFO
    hadoopLogLevel = LogManager.getLogger("org.apache.hadoop").getLevel();
    Configurator.setLevel("org.apache.hadoop", Level.WARN);
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("minidfs").toString());
    HDFS_CLIENT.forEach(conf::set);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
    if (cluster != null) {
      cluster.shutdown(true);
    }
    if (hadoopLogLevel != null) {
      Configurator.setLevel("org.apache.hadoop", hadoopLogLevel);
    }
  }

  /** hdfs://host:port/name on the mini cluster. */
  private static URI onHdfs(String name) {
    return HadoopFiles.child(cluster.getURI(), name);
  }

  /** The one place this test builds prepare's options (so a changed Options record is one edit). */
  private static DatasetPreparer.Options prepareOptions(URI input, URI output) {
    return new DatasetPreparer.Options(input, output, SIZE, 3, 16, false, false, 1);
  }

  private static void assertNonEmptyFileInHdfs(Path p) throws IOException {
    assertTrue(hdfs.exists(p), "missing in HDFS: " + p);
    FileStatus st = hdfs.getFileStatus(p);
    assertTrue(st.isFile() && st.getLen() > 0, "not a non-empty file: " + st);
  }

  @Test
  void preparesAndTrainsFromHdfsIntoAnHdfsResultsStore() throws Exception {
    java.nio.file.Path local = dir.resolve("synth");
    SynthDataset.Options synth = new SynthDataset.Options(local, CLASSES, PER_CLASS, SIZE, 3);
    SynthDataset.generate(synth);
    assertEquals("file:///", FileSystem.getDefaultUri(sc.hadoopConfiguration()).toString());
    URI raw = onHdfs("datasets/raw");
    URI prepared = onHdfs("datasets/prepared");
    URI results = onHdfs("results");
    hdfs.copyFromLocalFile(new Path(local.toUri()), new Path(raw));
    assertTrue(hdfs.exists(new Path(raw + "/train/class-000/00000.png")), "raw images copied");

    Manifest m = DatasetPreparer.prepare(sc, prepareOptions(raw, prepared));

    assertEquals(CLASSES * PER_CLASS, m.train().count());
    assertEquals(CLASSES * synth.valPerClass(), m.val().count());
    assertEquals(raw.toString(), m.source());
    assertNonEmptyFileInHdfs(new Path(prepared + "/" + Manifest.FILE_NAME));
    for (Manifest.Split split : new Manifest.Split[] {m.train(), m.val()}) {
      assertFalse(split.shards().isEmpty());
      for (Manifest.Shard shard : split.shards()) {
        assertNonEmptyFileInHdfs(new Path(prepared + "/" + shard.file()));
      }
    }
    assertTrue(
        Arrays.stream(hdfs.listStatus(new Path(prepared)))
            .noneMatch(s -> s.getPath().getName().startsWith(".staging")),
        "no staging folder left in HDFS");

    // the experiment file itself lives on HDFS too (what a cluster-mode driver on another host reads)
    URI experiment = onHdfs("conf/exp.conf");
    try (var out = hdfs.create(new Path(experiment))) {
      out.write(("dataset = \"" + prepared + "\"\n"
          + "results = \"" + results + "\"\n"
          + "model = resnet20\nactivation = mish\nwidth = 0.25\n"
          + "training { epochs = 1, workers = 2, batch-size-per-worker = 8, averaging-frequency = 2,"
          + " optimizer = adam, learning-rate = 0.005 }\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    ExperimentConfig cfg = ConfigLoader.load(experiment.toString(), java.util.List.of());
    assertEquals("hdfs", cfg.dataset().getScheme());
    assertEquals("hdfs", cfg.results().getScheme());
    PreparedDataset ds = PreparedDataset.open(cfg.dataset(), sc.hadoopConfiguration());
    ResultsStore store = new ResultsStore(cfg.results(), sc.hadoopConfiguration());
    RunResult r = SparkTrainer.run(sc, cfg, cfg.cell(), ds, store);
    assertEquals(RunResult.Status.COMPLETE, r.status());

    // read back what HDFS holds, not what the trainer returned
    Path runDir = new Path(store.runDir(r.runId()));
    assertTrue(runDir.toUri().toString().startsWith(results.toString()), runDir.toString());
    Path runJson = new Path(runDir, ResultsStore.RUN_FILE);
    assertNonEmptyFileInHdfs(runJson);
    RunResult stored;
    try (InputStream in = hdfs.open(runJson)) {
      stored = HadoopFiles.JSON.readValue(in, RunResult.class);
    }
    assertEquals(RunResult.Status.COMPLETE, stored.status());
    assertNotNull(stored.top1());
    assertTrue(Double.isFinite(stored.top1()) && stored.top1() >= 0 && stored.top1() <= 1,
        "top-1 in [0, 1], was " + stored.top1());
    assertEquals(1, stored.epochs().size());
    assertNonEmptyFileInHdfs(new Path(runDir, "model.zip"));
  }

  @Test
  void aMissingHdfsDatasetIsNamedAsMissing() {
    URI missing = onHdfs("no/such/dataset");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> DatasetPreparer.prepare(sc, prepareOptions(missing, onHdfs("out-of-missing"))));
    assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(missing.toString()),
        e.getMessage());
    IllegalArgumentException open =
        assertThrows(IllegalArgumentException.class, () -> PreparedDataset.open(missing, sc.hadoopConfiguration()));
    assertTrue(open.getMessage().contains("no prepared dataset at " + missing), open.getMessage());
    IllegalArgumentException config =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(missing + "/exp.conf", java.util.List.of()));
    assertTrue(config.getMessage().startsWith("config file not found: " + missing + "/exp.conf"), config.getMessage());
  }
}
