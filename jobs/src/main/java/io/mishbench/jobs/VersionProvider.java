package io.mishbench.jobs;

import io.mishbench.results.Provenance;
import java.util.Map;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: mishbench, git commit, DL4J and Spark versions. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    Map<String, String> p = Provenance.collect(Map.of());
    return new String[] {
      "mishbench " + p.get("mishbench.version") + " (" + p.get("git.commit") + "), DL4J " + p.get("dl4j.version")
          + ", Spark " + p.get("spark.version") + ", Java " + p.get("java.version")
    };
  }
}
