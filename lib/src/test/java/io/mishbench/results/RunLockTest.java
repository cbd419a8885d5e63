package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

  @TempDir Path dir;
  final Configuration conf = new Configuration();

  @Test
  void oneHolderAtATimeAndReleasedOnClose() throws Exception {
    Path run = dir.resolve("runs/x");
    Optional<RunLock> first = RunLock.acquire(run.toUri(), conf);
    assertTrue(first.isPresent());
    assertEquals(RunLock.owner(), Files.readString(run.resolve(RunLock.FILE)));
    assertTrue(RunLock.acquire(run.toUri(), conf).isEmpty(), "a live holder (this JVM) keeps the lock");
    first.get().close();
    assertFalse(Files.exists(run.resolve(RunLock.FILE)));
    try (RunLock again = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      assertTrue(Files.exists(run.resolve(RunLock.FILE)));
    }
  }

  @Test
  void aLockOfADeadProcessOnThisHostIsTakenOver() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path run = dir.resolve("runs/y");
    Files.createDirectories(run);
    String host = RunLock.owner().substring(0, RunLock.owner().lastIndexOf(':'));
    Files.writeString(run.resolve(RunLock.FILE), host + ":" + p.pid());
    try (RunLock taken = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      assertEquals(RunLock.owner(), Files.readString(run.resolve(RunLock.FILE)));
    }
  }

  @Test
  void aLockOfAnotherHostIsStaleOnlyWithoutHeartbeat() throws Exception {
    Path run = dir.resolve("runs/z");
    Files.createDirectories(run);
    Path lock = run.resolve(RunLock.FILE);
    Files.writeString(lock, "some-other-host:4242");
    assertTrue(RunLock.acquire(run.toUri(), conf).isEmpty(), "a fresh lock of another host is respected");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(RunLock.STALE).minusSeconds(60)));
    try (RunLock taken = RunLock.acquire(run.toUri(), conf).orElseThrow()) {
      assertEquals(RunLock.owner(), Files.readString(lock));
    }
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
    assertTrue(e.getMessage().contains("cannot hold run locks") && e.getMessage().contains(RunLock.SETTING + "=none")
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
      assertEquals(RunLock.owner(), Files.readString(dir.resolve("locks/r1").resolve(RunLock.FILE)));
      assertFalse(Files.exists(run.resolve(RunLock.FILE)), "nothing beside run.json");
      assertTrue(RunLock.acquire(run.toUri(), elsewhere).isEmpty(), "held in the lock folder");
    }
    assertFalse(Files.exists(dir.resolve("locks/r1").resolve(RunLock.FILE)));

    Configuration none = new Configuration();
    none.set(RunLock.SETTING, RunLock.NONE);
    try (RunLock a = RunLock.acquire(run.toUri(), none).orElseThrow();
        RunLock b = RunLock.acquire(run.toUri(), none).orElseThrow()) {
      assertFalse(Files.exists(run.resolve(RunLock.FILE)), "none: no lock file, every driver proceeds");
    }
  }
}
