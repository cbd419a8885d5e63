package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * After packaging: the job jar holds only what runs. No native library or class of the JavaCV family
 * (OpenCV, FFmpeg, Leptonica, Tesseract, HDF5, camera drivers) or fastutil, no native library but
 * ND4J's, OpenBLAS's and JavaCPP's (CUDA's in a {@code -Pcuda} jar), and no class that Spark's own
 * runtime already brings (which spark-submit would load first, making ours a dead second version).
 */
class JobJarIT {

  static final Path ROOT = SubmitScriptsIT.ROOT;
  static final Path JAR = ROOT.resolve("jobs/target/mishbench-jobs.jar");

  /** Libraries the job jar must not carry: see deeplearning4j-core's exclusions in the parent pom. */
  static final Pattern BANNED = Pattern.compile(
      "(org/bytedeco/(javacv|opencv|ffmpeg|leptonica|tesseract|hdf5|flycapture|libdc1394|libfreenect2?|librealsense2?"
          + "|videoinput|artoolkitplus|flandmark)|it/unimi/dsi/fastutil)/.*");

  /** A native library: .so (versioned too), .a, .dll, .dylib, .jnilib. */
  static final Pattern NATIVE = Pattern.compile(".*\\.(so(\\.[0-9]+)*|a|dll|dylib|jnilib)$");

  /**
   * Where the natives that run live: ND4J's backends, OpenBLAS (ND4J's CPU BLAS), JavaCPP, CUDA, and
   * JNA for Linux x86-64 (oshi's, which DL4J's crash reports use).
   */
  static final Pattern NATIVE_ALLOWED =
      Pattern.compile("(org/nd4j/|org/bytedeco/(javacpp|openblas|cuda)/|com/sun/jna/linux-x86-64/).*");

  @Test
  void noBannedLibraryAndOnlyTheNativesThatRun() throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
    List<String> banned = new ArrayList<>();
    List<String> foreignNatives = new ArrayList<>();
    boolean nd4jBackend = false;
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      for (ZipEntry e : Collections.list(zip.entries())) {
        String n = e.getName();
        if (BANNED.matcher(n).matches()) {
          banned.add(n);
        }
        if (!e.isDirectory() && NATIVE.matcher(n).matches() && !NATIVE_ALLOWED.matcher(n).matches()) {
          foreignNatives.add(n);
        }
        nd4jBackend |= n.endsWith("libnd4jcpu.so") || n.contains("nd4jcuda");
      }
    }
    assertTrue(banned.isEmpty(), banned.size() + " entries of banned libraries, e.g. " + first(banned));
    assertTrue(foreignNatives.isEmpty(), "native libraries no code uses: " + first(foreignNatives));
    assertTrue(nd4jBackend, "the jar must still carry ND4J's native backend");
  }

  @Test
  void noClassThatSparksRuntimeBrings() throws Exception {
    Set<String> ours = new TreeSet<>();
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/")).forEach(ours::add);
    }
    Set<String> twice = new TreeSet<>();
    try (var jars = Files.list(ROOT.resolve("spark-runtime/target/jars"))) {
      for (Path j : jars.toList()) {
        try (ZipFile zip = new ZipFile(j.toFile())) {
          zip.stream().map(ZipEntry::getName).filter(ours::contains).forEach(n -> twice.add(j.getFileName() + ": " + n));
        }
      }
    }
    assertTrue(twice.isEmpty(), twice.size() + " classes of Spark's runtime are also in the job jar, e.g. " + first(new ArrayList<>(twice)));
  }

  private static List<String> first(List<String> names) {
    return names.subList(0, Math.min(5, names.size()));
  }
}
