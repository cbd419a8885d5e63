package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is training a run: {@code runs/<runId>/lock}, created exclusively (a local file with
 * {@code O_EXCL}, elsewhere Hadoop's {@code create(overwrite = false)}, atomic on HDFS) and touched
 * every {@link #HEARTBEAT} while held. Two drivers on one results store (an overlapping scheduled run,
 * a resubmitted job) therefore never train the same cell at once. A lock is stale, and taken over,
 * when its owner is a process of this host that no longer exists, or when it has not been touched
 * for {@link #STALE} (a driver on another host that died).
 *
 * <p>Object stores cannot hold such a lock: on S3A {@code create(overwrite = false)} checks, then
 * writes (two drivers can both "create" it), and {@code setTimes} does nothing (a live owner on
 * another host looks stale after 5 minutes and is taken over). A results store there is refused
 * unless the Hadoop setting {@value #SETTING} (Spark: {@code spark.hadoop.mishbench.results.lock})
 * says where locks go instead: a folder URI on a file system that can hold them (HDFS, a shared
 * disk), or {@code none} when one driver at a time uses the store (no lock is taken).
 */
public final class RunLock implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RunLock.class);
  public static final String FILE = "lock";
  public static final Duration HEARTBEAT = Duration.ofSeconds(30);
  public static final Duration STALE = Duration.ofMinutes(5);
  /** Hadoop setting: where run locks go, when not beside run.json ({@code none} or a folder URI). */
  public static final String SETTING = "mishbench.results.lock";
  /** {@link #SETTING}'s value for no locks at all. */
  public static final String NONE = "none";

  private final URI file;
  private final Configuration conf;
  private final ScheduledExecutorService heartbeat;

  /** {@code file} null: no lock ({@value #SETTING} = none), nothing to refresh or delete. */
  private RunLock(URI file, Configuration conf) {
    this.file = file;
    this.conf = conf;
    if (file == null) {
      this.heartbeat = null;
      return;
    }
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mishbench-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
  }

  /** {@code host:pid} of this JVM, as written into the lock. */
  public static String owner() {
    return host() + ":" + ProcessHandle.current().pid();
  }

  /**
   * Takes the lock of the run folder {@code runDir}, taking over a stale one.
   *
   * @return the lock, or empty when a live owner holds it (its owner is logged)
   */
  public static Optional<RunLock> acquire(URI runDir, Configuration conf) {
    URI lockDir = lockFolder(runDir, conf);
    if (lockDir == null) {
      return Optional.of(new RunLock(null, conf));
    }
    URI file = HadoopFiles.child(lockDir, FILE);
    try {
      FileSystem fs = HadoopFiles.fs(file, conf);
      fs.mkdirs(new Path(lockDir));
      if (create(file, fs)) {
        return Optional.of(new RunLock(file, conf));
      }
      String holder = holder(file, fs);
      if (!isStale(holder, fs.getFileStatus(new Path(file)))) {
        log.info("{} is held by {}: not training it here", lockDir, holder);
        return Optional.empty();
      }
      log.warn("taking over the stale lock of {} (held by {}, which is gone)", lockDir, holder);
      fs.delete(new Path(file), false);
      return create(file, fs) ? Optional.of(new RunLock(file, conf)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks, before any work, that runs of the results store {@code results} can be locked with
   * {@code conf}'s {@value #SETTING}.
   *
   * @throws IllegalArgumentException when the locks would be on an object store (S3A), saying what
   *     to set instead
   */
  public static void checkSupported(URI results, Configuration conf) {
    lockFolder(HadoopFiles.child(HadoopFiles.child(results, "runs"), "check"), conf);
  }

  /** Where the lock of {@code runDir} lives, or null for none ({@value #SETTING} = none). */
  private static URI lockFolder(URI runDir, Configuration conf) {
    String setting = conf.getTrimmed(SETTING, "");
    URI folder;
    if (setting.isEmpty()) {
      folder = runDir;
    } else if (NONE.equals(setting)) {
      return null;
    } else {
      folder = HadoopFiles.child(HadoopFiles.resolve(setting), new Path(runDir).getName());
    }
    boolean objectStore;
    try {
      Path p = new Path(folder);
      objectStore = HadoopFiles.publishesOnClose(HadoopFiles.fs(folder, conf), p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + folder + ": " + e.getMessage(), e);
    }
    if (objectStore) {
      throw new IllegalArgumentException((setting.isEmpty()
          ? "the results store " + new Path(runDir).getParent().getParent() + " is on an object store"
          : SETTING + " = " + setting + " is on an object store") + " (" + folder.getScheme() + "://), which cannot"
          + " hold run locks: its create-if-absent is check-then-put and it cannot refresh a file's time, so two"
          + " drivers could train the same run. Put the locks on HDFS or a shared disk with --conf"
          + " spark.hadoop." + SETTING + "=hdfs:///mishbench/locks, or, when only one driver at a time uses this"
          + " store, take none with --conf spark.hadoop." + SETTING + "=" + NONE + " (docs/CLUSTER.md)");
    }
    return folder;
  }

  private static boolean create(URI file, FileSystem fs) throws IOException {
    byte[] owner = owner().getBytes(StandardCharsets.UTF_8);
    if ("file".equals(file.getScheme())) {
      try {
        Files.write(java.nio.file.Path.of(file), owner, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(new Path(file), false)) {
      out.write(owner);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static String holder(URI file, FileSystem fs) throws IOException {
    try (var in = fs.open(new Path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  static boolean isStale(String holder, FileStatus status) {
    int colon = holder.lastIndexOf(':');
    if (colon > 0 && holder.substring(0, colon).equals(host())) {
      try {
        long pid = Long.parseLong(holder.substring(colon + 1));
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return Instant.ofEpochMilli(status.getModificationTime()).plus(STALE).isBefore(Instant.now());
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
    }
  }

  private void touch() {
    try {
      HadoopFiles.fs(file, conf).setTimes(new Path(file), System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot refresh lock {}: {}", file, e.getMessage());
    }
  }

  /** Stops the heartbeat and deletes the lock. */
  @Override
  public void close() {
    if (file == null) {
      return;
    }
    heartbeat.shutdownNow();
    try {
      HadoopFiles.fs(file, conf).delete(new Path(file), false);
    } catch (IOException e) {
      log.warn("cannot delete lock {}: {}", file, e.getMessage());
    }
  }
}
