package io.mishbench.results;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run lock on a file system whose {@code create(overwrite = false)} is atomic (HDFS): lease files
 * {@code lock.<generation>} in the run folder; the highest generation is the holder. The holder
 * rewrites {@code lock.<generation>.beat} (a counter) every heartbeat. Another driver finding the
 * lock watches that counter with its own monotonic clock: a change means a live holder (it leaves
 * the run), no change for the staleness period means a dead one, and it takes over by creating
 * {@code lock.<generation + 1>} exclusively: of several drivers that found the same lock stale,
 * exactly one creates it. The fencing check is that {@code lock.<own generation>} still holds this
 * holder's token and no higher generation exists; the new holder deletes the old generation, so a
 * paused old holder fails its check even after the new one released the run.
 */
final class LeaseLock implements RunLock.Held {

  private static final Logger log = LoggerFactory.getLogger(LeaseLock.class);
  private static final String PREFIX = RunLock.FILE + ".";
  private static final String BEAT = ".beat";

  private final FileSystem fs;
  private final Path dir;
  private final long generation;
  private final String token;
  private long beats;

  private LeaseLock(FileSystem fs, Path dir, long generation, String token) {
    this.fs = fs;
    this.dir = dir;
    this.generation = generation;
    this.token = token;
  }

  /**
   * The lock of {@code dir}, or empty when a live driver holds it. Watches an existing holder's
   * heartbeat for up to {@code stale} before taking its lock over.
   */
  static Optional<LeaseLock> tryAcquire(FileSystem fs, Path dir, Duration stale, Duration heartbeat) throws IOException {
    long poll = Math.max(10, heartbeat.toMillis() / 4);
    while (true) {
      long top = highest(fs, dir);
      if (top == 0) {
        Optional<LeaseLock> won = create(fs, dir, 1);
        if (won.isPresent()) {
          return won;
        }
        continue; // another driver created generation 1 just now: watch it
      }
      String first = read(fs, beatFile(dir, top));
      long since = System.nanoTime();
      boolean changed = false;
      while (System.nanoTime() - since < stale.toNanos()) {
        sleep(poll);
        if (highest(fs, dir) != top) {
          changed = true; // released, or taken over by another driver: look again
          break;
        }
        String now = read(fs, beatFile(dir, top));
        if (!now.equals(first)) {
          return Optional.empty(); // its holder is alive
        }
      }
      if (changed) {
        continue;
      }
      log.warn("the lock of {} (generation {}) showed no heartbeat for {} s: taking it over", dir, top,
          stale.toSeconds());
      Optional<LeaseLock> won = create(fs, dir, top + 1);
      if (won.isEmpty()) {
        return Optional.empty(); // another driver took it over first: it is the live holder now
      }
      fs.delete(beatFile(dir, top), false);
      fs.delete(lockFile(dir, top), false);
      return won;
    }
  }

  private static Optional<LeaseLock> create(FileSystem fs, Path dir, long generation) throws IOException {
    String token = RunLock.newToken();
    try (OutputStream out = fs.create(lockFile(dir, generation), false)) {
      out.write(("token=" + token + "\nowner=" + RunLock.owner() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException e) {
      return Optional.empty();
    } catch (IOException e) { // HDFS reports a concurrent create of the same file this way too
      if (fs.exists(lockFile(dir, generation)) && !read(fs, lockFile(dir, generation)).contains(token)) {
        return Optional.empty();
      }
      throw e;
    }
    LeaseLock lock = new LeaseLock(fs, dir, generation, token);
    lock.beat();
    return Optional.of(lock);
  }

  /** The highest lease generation in {@code dir}; 0 when there is none. */
  static long highest(FileSystem fs, Path dir) throws IOException {
    long top = 0;
    FileStatus[] files;
    try {
      files = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return 0;
    }
    for (FileStatus st : files) {
      String name = st.getPath().getName();
      if (name.startsWith(PREFIX) && !name.endsWith(BEAT)) {
        try {
          top = Math.max(top, Long.parseLong(name.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
          // not a lease file
        }
      }
    }
    return top;
  }

  static Path lockFile(Path dir, long generation) {
    return new Path(dir, PREFIX + generation);
  }

  private static Path beatFile(Path dir, long generation) {
    return new Path(dir, PREFIX + generation + BEAT);
  }

  /** The content of {@code file}; empty when it does not exist. */
  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      return "";
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while watching a lock", e);
    }
  }

  @Override
  public boolean stillHeld() throws IOException {
    return highest(fs, dir) == generation && read(fs, lockFile(dir, generation)).contains("token=" + token + "\n");
  }

  @Override
  public synchronized void beat() throws IOException {
    beats++;
    try (OutputStream out = fs.create(beatFile(dir, generation), true)) {
      out.write((token + " " + beats + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void release() throws IOException {
    if (stillHeld()) {
      fs.delete(beatFile(dir, generation), false);
      fs.delete(lockFile(dir, generation), false);
    }
  }

  @Override
  public String token() {
    return "generation " + generation + ", " + token;
  }
}
