package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After packaging: every class and file that submit-scripts name exists in the build, and the
 * launcher really runs the job jar through Spark's SparkSubmit without a Spark installation.
 */
class SubmitScriptsIT {

  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final Pattern CLASS = Pattern.compile("\\b((?:io\\.mishbench|org\\.apache\\.spark|org\\.deeplearning4j)(?:\\.[a-z0-9_]+)+\\.[A-Z]\\w*)");
  static final Pattern PATH = Pattern.compile("\\$(?:root|here)/([\\w./-]+)|\\b((?:conf|jobs|spark-runtime|submit-scripts)/[\\w./-]+)");

  /** What the scripts write rather than read. */
  static final Pattern OUTPUTS = Pattern.compile("mishbench-out(/|$)|BENCHMARKS\\.md|logs$|jobs/target/mishbench-jobs-cuda\\.jar");

  @TempDir Path dir;

  static List<Path> scripts() throws Exception {
    try (var s = Files.walk(ROOT.resolve("submit-scripts"))) { // lib/ too
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void everyClassNamedInTheScriptsIsInTheBuild() throws Exception {
    List<URL> urls = new ArrayList<>();
    urls.add(ROOT.resolve("jobs/target/mishbench-jobs.jar").toUri().toURL());
    try (var jars = Files.list(ROOT.resolve("spark-runtime/target/jars"))) {
      for (Path j : jars.toList()) {
        urls.add(j.toUri().toURL());
      }
    }
    Set<String> classes = new TreeSet<>();
    for (Path script : scripts()) {
      Matcher m = CLASS.matcher(Files.readString(script));
      while (m.find()) {
        classes.add(m.group(1));
      }
    }
    assertTrue(classes.contains("io.mishbench.jobs.Main"), classes.toString());
    assertTrue(classes.contains("org.apache.spark.deploy.SparkSubmit"), classes.toString());
    try (URLClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      for (String c : classes) {
        Class.forName(c, false, cl);
      }
    }
  }

  @Test
  void everyFileNamedInTheScriptsExists() throws Exception {
    Set<String> paths = new TreeSet<>();
    for (Path script : scripts()) {
      Matcher m = PATH.matcher(Files.readString(script));
      while (m.find()) {
        String p = (m.group(1) != null ? m.group(1) : m.group(2)).replaceAll("[.]$", "");
        if (!OUTPUTS.matcher(p).lookingAt()) {
          // $here is the folder of the scripts
          paths.add(m.group(1) != null && m.group().startsWith("$here/") ? "submit-scripts/" + p : p);
        }
      }
    }
    assertTrue(paths.contains("jobs/target/mishbench-jobs.jar"), paths.toString());
    assertTrue(paths.contains("submit-scripts/lib/submit-common.sh"), paths.toString());
    for (String p : paths) {
      Path resolved = p.startsWith("mishbench") || p.startsWith("quickstart") ? ROOT.resolve("submit-scripts").resolve(p) : ROOT.resolve(p);
      assertTrue(Files.exists(resolved), "submit-scripts name " + p + ", which does not exist at " + resolved);
    }
  }

  record Result(int code, String out) {}

  private Result launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit-scripts/mishbench").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("MISHBENCH_MASTER", "local[2]");
    pb.environment().put("MISHBENCH_DRIVER_MEMORY", "2g");
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "launcher timed out");
    return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void launcherRunsTheJobJarThroughSparkSubmit() throws Exception {
    Result help = launch("--help");
    assertEquals(0, help.code(), help.out());
    assertTrue(help.out().contains("Usage: mishbench"), help.out());

    Result synth = launch("synth", "--output", dir.resolve("raw").toString(), "--classes", "2", "--per-class", "3", "--size", "8");
    assertEquals(0, synth.code(), synth.out());
    assertTrue(Files.isDirectory(dir.resolve("raw/train/class-001")));

    Result prepare = launch("prepare", "--input", dir.resolve("raw").toString(), "--output", dir.resolve("p").toString(),
        "--image-size", "8", "--master", "local[1]");
    assertEquals(0, prepare.code(), prepare.out());
    assertTrue(Files.exists(dir.resolve("p/manifest.json")));

    Result bad = launch("train", "--config", dir.resolve("missing.conf").toString());
    assertEquals(Main.BAD_INPUT, bad.code(), bad.out());
    assertTrue(bad.out().contains("config file not found"), bad.out());
    assertFalse(bad.out().contains("\tat "), "a clear message, not a stack trace:\n" + bad.out());
  }

  @Test
  void missingJarIsExplained() throws Exception {
    List<String> cmd = List.of(ROOT.resolve("submit-scripts/mishbench").toString(), "--help");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("MISHBENCH_JAR", dir.resolve("none.jar").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertEquals(2, p.exitValue());
    assertTrue(out.contains("mvn -B -DskipTests package"), out);
    assertTrue(new File(dir.toFile(), "none.jar").exists() == false);
  }
}
