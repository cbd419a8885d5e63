package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Hadoop Configuration the jobs use comes from Spark's ({@code sparkContext.hadoopConfiguration()}
 * or {@code HadoopFiles.configuration()}), so {@code spark.hadoop.*} and the cluster's config files reach
 * pre-checks, prepare, train, aggregate and locks: no main source builds a bare {@code new Configuration()}.
 */
class HadoopConfigurationRuleTest {

  @Test
  void noMainSourceBuildsABareHadoopConfiguration() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    List<String> offenders = new ArrayList<>();
    for (String module : List.of("lib", "jobs")) {
      try (var files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            String code = lines.get(i).trim();
            if (code.contains("new Configuration()") && !code.startsWith("*") && !code.startsWith("//")) {
              offenders.add(root.relativize(f) + ":" + (i + 1));
            }
          }
        }
      }
    }
    assertTrue(offenders.isEmpty(), "use HadoopFiles.configuration() or sc.hadoopConfiguration(): " + offenders);
  }
}
