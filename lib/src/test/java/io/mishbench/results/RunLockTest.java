package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The run lock on a local folder, with other drivers as separate processes. */
class RunLockTest {

  @TempDir Path dir;
  final Configuration conf = new Configuration();

  @Test
  void oneHolderAtATimeAndReleasedOnClose() throws Exception {
    Path run = dir.resolve("runs/x");
    Optional<RunLock> first = RunLock.acquire(run.toUri(), conf);
    assertTrue(first.isPresent());
    assertTrue(Files.readString(run.resolve(RunLock.FILE)).contains(RunLock.owner()));
    assertTrue(RunLock.acquire(run.toUri(), conf).isEmpty(), "a live holder (this JVM) keeps the lock");
    first.get().close();
    assertFalse(Files.exists(run.resolve(RunLock.FILE)));
    try (RunLock again = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      assertTrue(Files.exists(run.resolve(RunLock.FILE)));
    }
  }

  @Test
  void aLiveDriverInAnotherProcessKeepsItsLockAndADeadOnesIsFreeAtOnce() throws Exception {
    URI run = dir.resolve("runs/p").toUri();
    LockDrivers.Driver other = LockDrivers.start(dir, run, 60_000, 60_000);
    try {
      assertNotNull(other.await("WROTE", 60), other.lines().toString());
      assertTrue(RunLock.acquire(run, conf).isEmpty(), "the other process holds it");
      other.process().destroyForcibly().waitFor(); // SIGKILL: no close, the lock file stays
      assertTrue(Files.exists(Path.of(run).resolve(RunLock.FILE)));
      long start = System.nanoTime();
      try (RunLock taken = RunLock.acquire(run, conf).orElseThrow()) {
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "no waiting for staleness: the kernel freed it");
      }
    } finally {
      other.process().destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"self", "host"})
  void whatALockFileSaysNeverKeepsItAlive(String content) throws Exception {
    // an old driver's lock naming this host and a live pid (this JVM's: a reused pid, or a restarted
    // container with the same host name), or only a host: no process holds it, so it is free
    Path run = Files.createDirectories(dir.resolve("runs/y"));
    Files.writeString(run.resolve(RunLock.FILE), content.equals("self") ? RunLock.owner() : "some-other-host:1");
    try (RunLock taken = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      assertTrue(Files.readString(run.resolve(RunLock.FILE)).contains("token="));
    }
  }

  @Test
  void ofDriversRacingForOneLockExactlyOneWins() throws Exception {
    URI run = dir.resolve("runs/race").toUri();
    List<LockDrivers.Driver> drivers = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        drivers.add(LockDrivers.start(dir, run, 60_000, 4_000));
      }
      int won = 0;
      for (LockDrivers.Driver d : drivers) {
        String first = d.await(60, "WON", "BUSY");
        assertNotNull(first, d.lines().toString());
        won += first.startsWith("WON") ? 1 : 0;
      }
      assertEquals(1, won, "exactly one winner");
      for (LockDrivers.Driver d : drivers) {
        assertEquals(0, d.exit(60), d.lines().toString());
      }
    } finally {
      drivers.forEach(d -> d.process().destroyForcibly());
    }
  }

  @Test
  void aDriverWhoseLockTokenIsGoneStopsWritingTheRun() throws Exception {
    Path run = dir.resolve("runs/f");
    LockDrivers.Driver other = LockDrivers.start(dir, run.toUri(), 60_000, 60_000);
    try {
      assertNotNull(other.await("WROTE", 60), other.lines().toString());
      Files.delete(run.resolve(RunLock.FILE)); // an operator removed it
      assertEquals(3, other.exit(30), "the holder's next write is fenced off: " + other.lines());
      assertTrue(other.lines().stream().anyMatch(l -> l.startsWith("LOST")), other.lines().toString());
      try (RunLock mine = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
        ResultsStore store = new ResultsStore(dir.toUri(), conf);
        store.write(RunResult.of("f", RunResult.Status.RUNNING, "parent", "mish", "none", 1, null, null));
        assertEquals("parent", store.read("f").orElseThrow().model());
      }
    } finally {
      other.process().destroyForcibly();
    }
  }

  @Test
  void inThisJvmALostLockFailsItsFenceCheck() throws Exception {
    Path run = dir.resolve("runs/g");
    try (RunLock lock = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      RunLock.fence(run.toUri());
      Files.writeString(run.resolve(RunLock.FILE), "token=someone-else\n");
      assertThrows(RunLock.LostException.class, () -> RunLock.fence(run.toUri()));
      assertThrows(RunLock.LostException.class,
          () -> new ResultsStore(dir.toUri(), conf)
              .write(RunResult.of("g", RunResult.Status.RUNNING, "x", "mish", "none", 1, null, null)));
    }
    assertEquals("token=someone-else\n", Files.readString(run.resolve(RunLock.FILE)), "a lost lock is not deleted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3a://bucket/results", "s3://bucket/results", "gs://bucket/results", "abfs://c@a/results"})
  void objectStoresAreRefusedWithAReason(String results) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RunLock.acquire(URI.create(results + "/runs/x"), conf));
    assertTrue(e.getMessage().contains("cannot hold a run lock") && e.getMessage().contains("HDFS"), e.getMessage());
  }

  /** A file system that says it publishes files on close, as S3A does (and nothing else is used). */
  public static final class ObjectStoreLike extends org.apache.hadoop.fs.RawLocalFileSystem {
    @Override
    public boolean hasPathCapability(org.apache.hadoop.fs.Path path, String capability) {
      return org.apache.hadoop.fs.CommonPathCapabilities.ABORTABLE_STREAM.equals(capability);
    }
  }

  @Test
  void anObjectStoreIsRefusedWithTheAlternatives() {
    Configuration objectStore = new Configuration();
    objectStore.setClass("fs.objstore.impl", ObjectStoreLike.class, org.apache.hadoop.fs.FileSystem.class);
    objectStore.setBoolean("fs.objstore.impl.disable.cache", true);
    java.net.URI results = java.net.URI.create("objstore://bucket/results");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunLock.checkSupported(results, objectStore));
    assertTrue(e.getMessage().contains("cannot hold a run lock") && e.getMessage().contains(RunLock.SETTING + "=none")
        && e.getMessage().contains("objstore://bucket/results"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RunLock.acquire(java.net.URI.create("objstore://bucket/results/runs/a"), objectStore));
    objectStore.set(RunLock.SETTING, "objstore://bucket/locks"); // locks on an object store elsewhere: the same
    assertThrows(IllegalArgumentException.class, () -> RunLock.checkSupported(results, objectStore));
  }

  @Test
  void locksGoToTheConfiguredFolderOrNowhere() throws Exception {
    Path run = dir.resolve("store/runs/r1");
    Configuration elsewhere = new Configuration();
    elsewhere.set(RunLock.SETTING, dir.resolve("locks").toUri().toString());
    try (RunLock held = RunLock.acquire(run.toUri(), elsewhere).orElseThrow()) {
      assertTrue(Files.exists(dir.resolve("locks/r1").resolve(RunLock.FILE)), "the lock lives in the lock folder");
      assertFalse(Files.exists(run.resolve(RunLock.FILE)), "nothing beside run.json");
      assertTrue(RunLock.acquire(run.toUri(), elsewhere).isEmpty(), "held in the lock folder");
    }

    Configuration none = new Configuration();
    none.set(RunLock.SETTING, RunLock.NONE);
    try (RunLock a = RunLock.acquire(run.toUri(), none).orElseThrow();
        RunLock b = RunLock.acquire(run.toUri(), none).orElseThrow()) {
      assertFalse(Files.exists(run.resolve(RunLock.FILE)), "none: no lock file, every driver proceeds");
    }
  }
}
