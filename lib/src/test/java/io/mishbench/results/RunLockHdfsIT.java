package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run lock on a real HDFS (an in-process MiniDFSCluster) with the other drivers as separate
 * processes: a stale lock has exactly one taker, a live holder is never taken over, a paused holder
 * loses its lock and stops writing, a killed one's lock is taken over once its heartbeat stopped.
 * Staleness is 1.5 s here (5 min by default).
 */
class RunLockHdfsIT {

  private static final long STALE_MS = 1500;
  private static final Map<String, String> CLIENT = Map.of("dfs.replication", "1",
      "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10",
      "dfs.client.block.write.locateFollowingBlock.retries", "10");

  @TempDir static java.nio.file.Path dir;
  static MiniDFSCluster cluster;
  static DistributedFileSystem hdfs;
  static Configuration conf;
  static String[] childConf;

  @BeforeAll
  static void start() throws Exception {
    conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("minidfs").toString());
    CLIENT.forEach(conf::set);
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    conf.setLong(RunLock.STALE_KEY, STALE_MS);
    childConf = CLIENT.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  private static URI run(String id) {
    return HadoopFiles.child(HadoopFiles.child(cluster.getURI(), "results/runs"), id);
  }

  private static LockDrivers.Driver driver(URI run, long holdMs) throws Exception {
    return LockDrivers.start(dir, run, STALE_MS, holdMs, childConf);
  }

  @Test
  void ofDriversThatAllFindOneStaleLockExactlyOneTakesItOver() throws Exception {
    URI run = run("race");
    Path dirPath = new Path(run);
    hdfs.mkdirs(dirPath);
    hdfs.create(LeaseLock.lockFile(dirPath, 1)).close(); // a driver that died without a heartbeat
    List<LockDrivers.Driver> drivers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        drivers.add(driver(run, 4_000));
      }
      int won = 0;
      for (LockDrivers.Driver d : drivers) {
        String first = d.await(90, "WON", "BUSY");
        assertNotNull(first, d.lines().toString());
        won += first.startsWith("WON") ? 1 : 0;
      }
      assertEquals(1, won, "exactly one taker");
      for (LockDrivers.Driver d : drivers) {
        assertEquals(0, d.exit(60), d.lines().toString());
      }
      assertEquals(0, LeaseLock.highest(hdfs, dirPath), "taken over (generation 1 deleted), then released");
    } finally {
      drivers.forEach(d -> d.process().destroyForcibly());
    }
  }

  @Test
  void aLiveHolderKeepsItsLockAndAKilledOnesIsTakenOverAfterItsHeartbeatStops() throws Exception {
    URI run = run("live");
    LockDrivers.Driver holder = driver(run, 60_000);
    try {
      assertNotNull(holder.await("WROTE", 90), holder.lines().toString());
      long start = System.nanoTime();
      assertTrue(RunLock.acquire(run, conf).isEmpty(), "a live holder in another process keeps it");
      assertTrue(System.nanoTime() - start < STALE_MS * 1_000_000L, "told by its heartbeat, before staleness");
      holder.process().destroyForcibly().waitFor();
      start = System.nanoTime();
      try (RunLock taken = RunLock.acquire(run, conf).orElseThrow()) {
        assertTrue(System.nanoTime() - start >= STALE_MS * 1_000_000L, "taken only after the staleness period");
        assertTrue(taken.token().startsWith("generation 2"), taken.token());
      }
    } finally {
      holder.process().destroyForcibly();
    }
  }

  @Test
  void aPausedHolderLosesItsLockAndStopsWritingTheRun() throws Exception {
    URI run = run("paused");
    LockDrivers.Driver holder = driver(run, 60_000);
    try {
      assertNotNull(holder.await("WROTE", 90), holder.lines().toString());
      LockDrivers.signal(holder, "STOP"); // a long GC pause, a frozen container: alive but silent
      try (RunLock taken = RunLock.acquire(run, conf).orElseThrow()) {
        LockDrivers.signal(holder, "CONT");
        assertEquals(3, holder.exit(60), "its next write is fenced off: " + holder.lines());
        assertTrue(holder.lines().stream().anyMatch(l -> l.startsWith("LOST")), holder.lines().toString());
        assertEquals(2, LeaseLock.highest(hdfs, new Path(run)), "the old holder left the new lock alone");
        taken.check();
        ResultsStore store = new ResultsStore(HadoopFiles.child(cluster.getURI(), "results"), conf);
        store.write(RunResult.of("paused", RunResult.Status.RUNNING, "parent", "mish", "none", 1, null, null));
        assertEquals("parent", store.read("paused").orElseThrow().model());
      }
    } finally {
      LockDrivers.signal(holder, "CONT");
      holder.process().destroyForcibly();
    }
  }
}
