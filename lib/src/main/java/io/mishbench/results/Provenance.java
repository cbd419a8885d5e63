package io.mishbench.results;

import io.mishbench.activation.ActivationRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Where and with what a run executed: versions, JVM, OS, hardware, git commit. */
public final class Provenance {

  private Provenance() {}

  /** Collects the provenance of this JVM; {@code extra} (e.g. the Spark layout) is added as is. */
  public static Map<String, String> collect(Map<String, String> extra) {
    Map<String, String> p = new LinkedHashMap<>();
    Properties build = buildInfo();
    p.put("mishbench.version", build.getProperty("version", "unknown"));
    p.put("git.commit", build.getProperty("git.commit", "unknown"));
    p.put("dl4j.version", build.getProperty("dl4j.version", "unknown"));
    p.put("spark.version", build.getProperty("spark.version", "unknown"));
    p.put("java.version", System.getProperty("java.version"));
    p.put("java.vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    p.put("arch", System.getProperty("os.arch"));
    p.put("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
    p.put("max.heap.mb", String.valueOf(Runtime.getRuntime().maxMemory() >> 20));
    p.put("javacpp.platform.extension", System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
    p.put("activation.float.kernel", ActivationRegistry.floatKernel()); // of the driver JVM
    p.putAll(extra);
    return p;
  }

  /** mishbench-build.properties, filtered by Maven at build time. */
  static Properties buildInfo() {
    Properties props = new Properties();
    try (InputStream in = Provenance.class.getResourceAsStream("/mishbench-build.properties")) {
      if (in != null) {
        props.load(in);
      }
    } catch (IOException e) {
      // provenance is best effort: a missing file leaves "unknown" values
    }
    return props;
  }
}
