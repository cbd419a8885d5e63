package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The JVM options live in conf/jvm-options.properties alone: this test JVM got them from there through
 * the pom, and the scripts that start JVMs read the file instead of listing options of their own.
 */
class JvmOptionsTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  private static Properties options() throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(ROOT.resolve("conf/jvm-options.properties"))) {
      p.load(r);
    }
    return p;
  }

  @Test
  void theTestJvmHasEveryOptionOfTheFile() throws Exception {
    Properties p = options();
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    for (String key : List.of("java17.opens", "jvm.modules", "jvm.gc")) {
      String value = p.getProperty(key);
      assertTrue(value != null && !value.isBlank(), key + " is missing from conf/jvm-options.properties");
      for (String option : value.trim().split("\\s+")) {
        assertTrue(args.contains(option), option + " (" + key + ") is not among this JVM's options " + args);
      }
    }
  }

  @Test
  void nothingElseListsTheOptions() throws Exception {
    for (String file : List.of("pom.xml", "submit-scripts/mishbench", "submit-scripts/lib/submit-common.sh",
        "submit-scripts/bench.sh", "submit-scripts/submit-standalone.sh", "submit-scripts/submit-yarn.sh",
        "submit-scripts/submit-k8s.sh")) {
      String text = Files.readString(ROOT.resolve(file));
      assertFalse(text.contains("--add-opens=java.base/"), file + " lists --add-opens options of its own");
      // (bench.sh's levers may switch them off: G1PeriodicGCInterval=0, GLIBC_TUNABLES unset)
      assertFalse(text.matches("(?s).*G1PeriodicGCInterval=[1-9].*") || text.contains("glibc.malloc."),
          file + " lists a GC or malloc setting of its own");
      if (file.equals("pom.xml") || file.endsWith("submit-common.sh") || file.endsWith("bench.sh")) {
        assertTrue(text.contains("jvm-options.properties"), file + " does not read conf/jvm-options.properties");
      }
    }
  }
}
