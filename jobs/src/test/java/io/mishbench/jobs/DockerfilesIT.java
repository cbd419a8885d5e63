package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container recipes cannot be built here (no registry access), so after packaging this checks
 * what can be checked without Docker: every file they copy from the repository exists and is let
 * through .dockerignore, the Spark image is the build's Spark version, the last user is not root,
 * and the plots have fonts.
 */
class DockerfilesIT {

  static final Path ROOT = SubmitScriptsIT.ROOT;

  @ParameterizedTest
  @ValueSource(strings = {"docker/Dockerfile", "docker/Dockerfile.cuda"})
  void copiesWhatExistsOnSparksImageAsANonRootUser(String name) throws Exception {
    String text = Files.readString(ROOT.resolve(name));
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    List<String> sources = new ArrayList<>();
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(.+) (\\S+)$").matcher(text);
    while (copy.find()) {
      for (String src : copy.group(1).trim().split("\\s+")) {
        sources.add(src);
      }
    }
    assertTrue(sources.contains("jobs/target/mishbench-jobs.jar"), sources.toString());
    for (String src : sources) {
      assertTrue(Files.exists(ROOT.resolve(src)), name + " copies " + src + ", which does not exist");
      assertTrue(ignore.contains("!" + src), ".dockerignore keeps " + src + " out of the build context");
    }

    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher spark = Pattern.compile("<spark.version>([^<]+)</spark.version>").matcher(pom);
    assertTrue(spark.find());
    assertTrue(text.contains("ARG SPARK_IMAGE=apache/spark:" + spark.group(1) + "-scala2.12-java17-"),
        name + " must start from Spark " + spark.group(1) + " (Scala 2.12, Java 17)");

    Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(text);
    String last = null;
    while (user.find()) {
      last = user.group(1);
    }
    assertEquals("spark", last, "the image runs as Spark's non-root user");
    assertTrue(text.contains("fonts-dejavu-core") && text.contains("fontconfig"), "fonts for the plots");
  }
}
