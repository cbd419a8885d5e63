package io.mishbench.results;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link LockDriver}s as separate JVMs and reads what they print. */
final class LockDrivers {

  private LockDrivers() {}

  /** A started driver and the file its output goes to. */
  record Driver(Process process, Path out) {

    List<String> lines() throws IOException {
      return Files.exists(out) ? Files.readAllLines(out) : List.of();
    }

    /**
     * The first line starting with one of {@code prefixes}, waiting up to {@code seconds}; null when
     * none came (or the process ended without printing one).
     */
    String await(int seconds, String... prefixes) throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (true) {
        boolean ended = !process.isAlive();
        for (String l : lines()) {
          for (String p : prefixes) {
            if (l.startsWith(p)) {
              return l;
            }
          }
        }
        if (ended || System.nanoTime() > end) {
          return null;
        }
        Thread.sleep(50);
      }
    }

    String await(String prefix, int seconds) throws Exception {
      return await(seconds, prefix);
    }

    /** The process's exit code, waiting up to {@code seconds}. */
    int exit(int seconds) throws Exception {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("lock driver did not end: " + lines());
      }
      return process.exitValue();
    }
  }

  static Driver start(Path work, URI runDir, long staleMs, long holdMs, String... hadoop) throws IOException {
    Path out = Files.createTempFile(work, "driver", ".txt");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LockDriver.class.getName(), runDir.toString(), Long.toString(staleMs), Long.toString(holdMs)));
    cmd.addAll(List.of(hadoop));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new Driver(p, out);
  }

  /** Sends a signal (STOP, CONT) to a driver: a paused driver is alive but does nothing. */
  static void signal(Driver d, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(d.process().pid())).inheritIO().start().waitFor();
  }
}
