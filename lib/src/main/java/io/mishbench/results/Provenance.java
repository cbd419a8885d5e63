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
    p.put("host", host());
    p.put("cpu.model", cpuModel());
    p.put("nd4j.backend", nd4jBackend());
    p.put("gpu", gpus());
    p.put("cuda.visible.devices", String.valueOf(System.getenv("CUDA_VISIBLE_DEVICES"))); // of the driver
    p.putAll(extra);
    return p;
  }

  /** This machine's host name, or "unknown". */
  public static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The CPU's model name from /proc/cpuinfo (Linux), else the JVM's architecture. */
  static String cpuModel() {
    try {
      return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }

  /** The ND4J backend class of the driver (CPU or CUDA), or "unavailable" when none loads. */
  static String nd4jBackend() {
    try {
      return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
    } catch (RuntimeException | LinkageError e) {
      return "unavailable: " + e.getMessage();
    }
  }

  /** The CUDA devices ND4J sees on the driver ("none" on the CPU backend). */
  static String gpus() {
    try {
      Object devices = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation()
          .get("cuda.devicesInformation");
      return devices == null ? "none" : String.valueOf(devices);
    } catch (RuntimeException | LinkageError e) {
      return "unknown: " + e.getMessage();
    }
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
