package io.mishbench.results;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A run lock on a local (or NFS) folder: the operating system's exclusive lock on the run folder's
 * {@code .lock}, held by an open channel for as long as the run trains. The kernel drops it when the
 * process ends, so a dead driver never keeps a run locked and a live one is never taken for dead,
 * whatever pids, host names or clocks say. {@code .lock} is never deleted (deleting a locked file
 * lets the next driver lock a new file of the same name while a waiter locks the old one) and never
 * opened a second time by the holding JVM (closing any descriptor of a file drops the process's
 * POSIX locks on it). The holder's random token is in {@code lock}, which is deleted on release: the
 * fencing check reads it.
 */
final class LocalLock implements RunLock.Held {

  static final String OS_LOCK_FILE = ".lock";

  private final Path tokenFile;
  private final FileChannel channel;
  private final FileLock lock;
  private final String token;

  private LocalLock(Path tokenFile, FileChannel channel, FileLock lock, String token) {
    this.tokenFile = tokenFile;
    this.channel = channel;
    this.lock = lock;
    this.token = token;
  }

  /** The lock of run folder {@code dir}, or empty while a live process holds it. */
  static Optional<LocalLock> tryAcquire(Path dir) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(OS_LOCK_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    String token = RunLock.newToken();
    Path tokenFile = dir.resolve(RunLock.FILE);
    Files.writeString(tokenFile, "token=" + token + "\nowner=" + RunLock.owner() + "\n", StandardCharsets.UTF_8);
    return Optional.of(new LocalLock(tokenFile, channel, lock, token));
  }

  @Override
  public boolean stillHeld() throws IOException {
    if (!lock.isValid()) {
      return false;
    }
    try {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).contains("token=" + token + "\n");
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  @Override
  public void beat() {
    // the kernel keeps the lock alive: nothing to refresh
  }

  @Override
  public void release() throws IOException {
    try {
      if (stillHeld()) {
        Files.deleteIfExists(tokenFile);
      }
    } finally {
      lock.release();
      channel.close();
    }
  }

  @Override
  public String token() {
    return token;
  }
}
