package io.mishbench.results;

import java.net.URI;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * A second driver for the lock tests, as its own process: {@code LockDriver <runDir URI> <stale ms>
 * <hold ms> [hadoop-key=value ...]} tries the lock and prints WON or BUSY; holding it, it writes the run's record every 100
 * ms for {@code hold} ms (printing WROTE after the first) and exits 0, or prints LOST and exits 3
 * when a write is fenced off.
 */
public final class LockDriver {

  private LockDriver() {}

  public static void main(String[] args) throws Exception {
    URI runDir = URI.create(args[0]);
    Configuration conf = new Configuration();
    conf.setLong(RunLock.STALE_KEY, Long.parseLong(args[1]));
    for (int i = 3; i < args.length; i++) { // key=value Hadoop settings (the mini HDFS client's)
      conf.set(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
    }
    long hold = Long.parseLong(args[2]);
    Optional<RunLock> lock = RunLock.acquire(runDir, conf);
    if (lock.isEmpty()) {
      System.out.println("BUSY");
      return;
    }
    System.out.println("WON " + lock.get().token());
    ResultsStore store = new ResultsStore(URI.create(args[0].replaceFirst("/runs/[^/]+/?$", "")), conf);
    String id = runDir.getPath().replaceFirst(".*/", "");
    long end = System.nanoTime() + hold * 1_000_000;
    try (RunLock held = lock.get()) {
      for (int i = 0; System.nanoTime() < end; i++) {
        store.write(RunResult.of(id, RunResult.Status.RUNNING, "child", "mish", "none", i, null, null));
        if (i == 0) {
          System.out.println("WROTE");
        }
        Thread.sleep(100);
      }
    } catch (RunLock.LostException e) {
      System.out.println("LOST " + e.getMessage());
      System.exit(3);
    }
    System.out.println("DONE");
  }
}
