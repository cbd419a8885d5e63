package io.mishbench.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Chooses which of the bundled ND4J CPU binaries JavaCPP loads.
 *
 * <p>Left alone, JavaCPP loads the most specialised build on the classpath ({@code -avx512}), which
 * dies with SIGILL on a CPU without AVX-512 (seen under qemu with a Haswell CPU). The choice is the
 * system property {@value #PROPERTY}, read once, when ND4J first loads: {@code -onednn-avx512},
 * {@code -onednn-avx2} (the AVX-512 / AVX2 builds with oneDNN, which computes the large convolutions:
 * {@code GemmConvolutionLayer#ONEDNN_FROM_MACS}), {@code -avx512}, {@code -avx2}, or empty for the
 * portable x86-64 build. The driver ({@code Main}, {@link SparkSetup})
 * and every executor ({@link Nd4jBinaryPlugin}) choose for their own CPU; a value already set
 * ({@code MISHBENCH_ND4J_EXTENSION}, {@code MISHBENCH_EXECUTOR_ND4J_EXTENSION}, extraJavaOptions) wins.
 */
public final class Nd4jBinary {

  public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";

  private Nd4jBinary() {}

  /** Sets {@value #PROPERTY} for this CPU unless it is set already; returns the value in force. */
  public static String selectForThisCpu() {
    String ext = choose(System.getProperty(PROPERTY), cpuFlags());
    System.setProperty(PROPERTY, ext);
    return ext;
  }

  /** What {@link #selectForThisCpu} picks: {@code override} when given (empty: the portable build), else per flags. */
  static String choose(String override, Set<String> flags) {
    return override != null ? override : forFlags(flags);
  }

  /** The fastest bundled build for these /proc/cpuinfo flags (the launcher script applies the same rule). */
  static String forFlags(Set<String> flags) {
    if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) {
      return "-onednn-avx512";
    }
    if (flags.containsAll(Set.of("avx2", "fma"))) {
      return "-onednn-avx2";
    }
    return "";
  }

  static Set<String> cpuFlags() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("flags"))
          .findFirst()
          .map(l -> new HashSet<>(Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))))
          .orElseGet(HashSet::new);
    } catch (IOException | RuntimeException e) {
      return Set.of(); // not Linux or unreadable: the portable build
    }
  }
}
