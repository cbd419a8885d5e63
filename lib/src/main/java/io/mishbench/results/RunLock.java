package io.mishbench.results;

import io.mishbench.fs.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is training a run: mutual exclusion between drivers (on one host or several) over one results
 * store, with a fencing check before every write of the run's files.
 *
 * <ul>
 *   <li>Local (and NFS-mounted) folders: the operating system's file lock on {@code runs/<id>/.lock}
 *       ({@link LocalLock}), with the holder's token in {@code runs/<id>/lock}. The kernel releases it when its process dies, however the
 *       process was killed, whatever its pid or PID namespace: no heartbeat, no clock, no pid check.
 *   <li>HDFS (and any file system whose {@code create(overwrite = false)} is atomic: webhdfs,
 *       viewfs): numbered lease files {@code lock.<generation>} ({@link LeaseLock}). The holder
 *       rewrites a heartbeat counter every {@link #heartbeat}; another driver calls a lock stale only
 *       when it saw the counter unchanged for {@link #STALE_KEY} by its own monotonic clock (no clock
 *       is compared across hosts), and takes it over by creating the next generation exclusively, so
 *       of two drivers that both found it stale exactly one wins.
 *   <li>Object stores (s3a, gs, abfs, ...) have no atomic create-if-absent or rename (on S3A
 *       {@code create(overwrite = false)} checks, then writes, and {@code setTimes} does nothing):
 *       {@link #acquire} refuses them with a message instead of risking two drivers on one run, unless
 *       the Hadoop setting {@value #SETTING} (Spark: {@code spark.hadoop.mishbench.results.lock}) puts
 *       the locks elsewhere: a folder URI on a file system that can hold them (HDFS, a shared disk),
 *       or {@code none} when one driver at a time uses the store (no lock is taken).
 * </ul>
 *
 * <p>Fencing: {@link #fence} (called by {@link ResultsStore#write}, the checkpoints and the model
 * writer) throws {@link LostException} once this JVM's lock of that run was taken over or removed, so
 * a driver that was paused past staleness stops writing the run instead of overwriting its new owner.
 */
public final class RunLock implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RunLock.class);
  public static final String FILE = "lock";
  /** Hadoop configuration key: how long an unchanged heartbeat makes a lease stale, in ms (default 5 min). */
  public static final String STALE_KEY = "mishbench.lock.stale-ms";
  public static final Duration STALE = Duration.ofMinutes(5);
  private static final Set<String> ATOMIC_CREATE = Set.of("hdfs", "webhdfs", "swebhdfs", "viewfs");
  /** Hadoop setting: where run locks go, when not beside run.json ({@code none} or a folder URI). */
  public static final String SETTING = "mishbench.results.lock";
  /** {@link #SETTING}'s value for no locks at all. */
  public static final String NONE = "none";

  /** The locks this JVM holds, by run folder: what {@link #fence} checks. */
  private static final Map<String, RunLock> HELD = new ConcurrentHashMap<>();

  /** Thrown by a write of a run whose lock this driver no longer holds. */
  public static final class LostException extends IllegalStateException {
    LostException(String message) {
      super(message);
    }
  }

  /** One way of holding a lock. */
  interface Held {
    /** Whether the lock is still this holder's (reads the file system). */
    boolean stillHeld() throws IOException;

    /** Called every heartbeat period. */
    void beat() throws IOException;

    /** Gives the lock up: deletes it only if still held, frees what holds it in any case. */
    void release() throws IOException;

    /** The fencing token: what identifies this holding. */
    String token();
  }

  private final URI runDir;
  private final Held held;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean lost;

  private RunLock(URI runDir, Held held, Duration beat) {
    this.runDir = runDir;
    this.held = held;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mishbench-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code host:pid} of this JVM, written into locks for people reading them (never trusted). */
  public static String owner() {
    return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^(\\d+)@(.*)$", "$2:$1");
  }

  /** How long an unchanged lease heartbeat makes it stale: {@link #STALE_KEY}, default {@link #STALE}. */
  static Duration stale(Configuration conf) {
    return Duration.ofMillis(conf.getLong(STALE_KEY, STALE.toMillis()));
  }

  /** How often a holder shows it is alive: a fifth of the staleness. */
  static Duration heartbeat(Configuration conf) {
    return stale(conf).dividedBy(5);
  }

  /**
   * Refuses a results store on which no lock can give mutual exclusion.
   *
   * @throws IllegalArgumentException naming the file system and what to do instead
   */
  public static void checkLockable(URI location, Configuration conf) {
    String scheme = location.getScheme() == null ? "file" : location.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file") || ATOMIC_CREATE.contains(scheme)) {
      return;
    }
    String setting = conf.getTrimmed(SETTING, "");
    throw new IllegalArgumentException((setting.isEmpty() ? "results " + location : SETTING + " = " + setting)
        + ": a " + scheme + ":// store cannot hold a run lock (no atomic create-if-absent or rename"
        + (scheme.startsWith("s3") ? ", and setTimes does nothing" : "") + ", so two drivers could both train and"
        + " write one run). Put the locks on HDFS or a shared disk with --conf spark.hadoop." + SETTING
        + "=hdfs:///mishbench/locks, or, when only one driver at a time uses this store, take none with --conf"
        + " spark.hadoop." + SETTING + "=" + NONE + " (docs/CLUSTER.md)");
  }

  /**
   * Checks, before any work, that runs of the results store {@code results} can be locked with
   * {@code conf}'s {@value #SETTING}.
   *
   * @throws IllegalArgumentException when the locks would be on an object store, saying what to set instead
   */
  public static void checkSupported(URI results, Configuration conf) {
    if (conf.getTrimmed(SETTING, "").isEmpty()) {
      checkLockable(results, conf); // the locks go beside run.json: the store itself must hold them
    } else {
      lockFolder(HadoopFiles.child(HadoopFiles.child(results, "runs"), "check"), conf);
    }
  }

  /** Where the lock of {@code runDir} lives (checked by {@link #checkLockable}), or null for none. */
  static URI lockFolder(URI runDir, Configuration conf) {
    String setting = conf.getTrimmed(SETTING, "");
    if (NONE.equals(setting)) {
      return null;
    }
    URI folder = setting.isEmpty() ? runDir
        : HadoopFiles.child(HadoopFiles.resolve(setting), new Path(runDir).getName());
    checkLockable(folder, conf);
    return folder;
  }

  /** The holding of {@value #SETTING} = none: always held, nothing on any file system. */
  private static final class NoLock implements Held {
    @Override
    public boolean stillHeld() {
      return true;
    }

    @Override
    public void beat() {}

    @Override
    public void release() {}

    @Override
    public String token() {
      return NONE;
    }
  }

  /**
   * Takes the lock of the run folder {@code runDir}, taking over a stale one. On HDFS a lock whose
   * heartbeat is not seen to change is watched for up to the staleness period before it is taken over.
   *
   * @return the lock, or empty when a live owner holds it (its owner is logged)
   * @throws IllegalArgumentException when the lock's file system cannot hold a lock ({@link #checkLockable})
   */
  public static Optional<RunLock> acquire(URI runDir, Configuration conf) {
    URI lockDir = lockFolder(runDir, conf);
    if (lockDir == null) { // none: every driver proceeds, nothing to fence
      return Optional.of(new RunLock(runDir, new NoLock(), heartbeat(conf)));
    }
    if (HELD.containsKey(key(runDir))) {
      return Optional.empty(); // this JVM holds it (and must not open its lock file twice: see LocalLock)
    }
    try {
      FileSystem fs = HadoopFiles.fs(lockDir, conf);
      Path dir = new Path(lockDir);
      fs.mkdirs(dir);
      Optional<? extends Held> held = fs instanceof RawLocalFileSystem local
          ? LocalLock.tryAcquire(local.pathToFile(dir).toPath())
          : LeaseLock.tryAcquire(fs, dir, stale(conf), heartbeat(conf));
      if (held.isEmpty()) {
        log.info("{} is held by a live driver: not training it here", runDir);
        return Optional.empty();
      }
      RunLock lock = new RunLock(runDir, held.get(), heartbeat(conf));
      if (HELD.putIfAbsent(key(runDir), lock) != null) { // another thread of this JVM won it meanwhile
        lock.heartbeat.shutdownNow();
        held.get().release();
        return Optional.empty();
      }
      return Optional.of(lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + runDir + ": " + e.getMessage(), e);
    }
  }

  private static String key(URI runDir) {
    return HadoopFiles.canonical(runDir).toString();
  }

  /**
   * The fencing check before a write into {@code runDir}: nothing when this JVM holds no lock there;
   * otherwise the lock must still be this holding's.
   *
   * @throws LostException when it was taken over or removed
   */
  public static void fence(URI runDir) {
    RunLock lock = HELD.get(key(runDir));
    if (lock != null) {
      lock.check();
    }
  }

  /** The fencing token of this holding (the lease generation and a random id). */
  public String token() {
    return held.token();
  }

  /**
   * Checks that this lock is still held.
   *
   * @throws LostException when it is not: the caller must stop writing the run
   */
  public void check() {
    boolean ok;
    try {
      ok = !lost && held.stillHeld();
    } catch (IOException e) {
      throw new LostException("cannot confirm the lock of " + runDir + " (" + e.getMessage() + "): not writing it");
    }
    if (!ok) {
      lost = true;
      throw new LostException("the lock of " + runDir + " (" + held.token() + ") was taken over by another driver:"
          + " this driver stops writing that run");
    }
  }

  private void beat() {
    try {
      if (!lost && held.stillHeld()) {
        held.beat();
      } else if (!lost) {
        lost = true;
        log.error("lost the lock of {} ({}): its next write will fail", runDir, held.token());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot refresh the lock of {}: {}", runDir, e.getMessage());
    }
  }

  /** Stops the heartbeat and gives the lock up (a lost lock is left to its new owner). */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    HELD.remove(key(runDir), this);
    try {
      held.release(); // deletes the lock only while it is still this holding's
    } catch (IOException e) {
      log.warn("cannot release the lock of {}: {}", runDir, e.getMessage());
    }
  }

  static String newToken() {
    return UUID.randomUUID().toString();
  }
}
