package io.mishbench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
