package io.mishbench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mishbench.fs.HadoopFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files as paths or URIs (hdfs:// in HdfsPipelineIT), shipped copies found by name, and Spark's Hadoop settings. */
class ConfigFileTest {

  @TempDir Path dir;

  @Test
  void readsAPathAFileUriAndRelativeIncludes() throws Exception {
    Files.writeString(dir.resolve("base.conf"), "training.epochs = 7\n");
    Path cfg = dir.resolve("exp.conf");
    Files.writeString(cfg, "include \"base.conf\"\ndataset = /d\nresults = /r\n");
    assertEquals(7, ConfigFile.parse(cfg.toString()).getInt("training.epochs"));
    assertEquals(7, ConfigFile.parse(cfg.toUri().toString()).getInt("training.epochs"));
    assertEquals(3, ConfigFile.parse(cfg.toUri().toString(), List.of("training.epochs=3")).getInt("training.epochs"));
  }

  @Test
  void missingUnreadableAndNonFileConfigsAreClearErrors() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ConfigFile.parse(dir.resolve("nope.conf").toUri().toString()));
    assertTrue(missing.getMessage().startsWith("config file not found: file:"), missing.getMessage());

    IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
        () -> ConfigFile.parse("nosuchfs://cluster/exp.conf"));
    assertTrue(scheme.getMessage().startsWith("cannot read config nosuchfs://cluster/exp.conf: "), scheme.getMessage());
    assertTrue(scheme.getMessage().contains("No FileSystem for scheme"), scheme.getMessage());

    IllegalArgumentException folder = assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse(dir.toString()));
    assertTrue(folder.getMessage().startsWith("config is not a file: "), folder.getMessage());
  }

  @Test
  void aBareNameNotInTheWorkingDirectoryIsLookedUpAmongSparksShippedFiles() throws Exception {
    Path shipped = dir.resolve("paper.conf");
    Files.writeString(shipped, "dataset = /d\nresults = /r\n");
    String files = "hdfs://nn/other.conf," + shipped;
    assertEquals(shipped.toUri(), ConfigFile.locate("paper.conf", files));
    assertEquals(URI.create("s3a://b/paper.conf"), ConfigFile.locate("paper.conf", "s3a://b/paper.conf"));
    // not shipped, or a path rather than a name: as given
    assertEquals(HadoopFiles.resolve("absent.conf"), ConfigFile.locate("absent.conf", files));
    assertEquals(HadoopFiles.resolve("sub/paper.conf"), ConfigFile.locate("sub/paper.conf", files));
    assertEquals(HadoopFiles.resolve("paper.conf"), ConfigFile.locate("paper.conf", null));
  }

  @Test
  void hadoopSettingsGivenToSparkReachTheConfiguration() {
    System.setProperty("spark.hadoop.mishbench.test.key", "from-spark");
    try {
      assertEquals("from-spark", HadoopFiles.configuration().get("mishbench.test.key"));
    } finally {
      System.clearProperty("spark.hadoop.mishbench.test.key");
    }
    assertEquals(null, HadoopFiles.configuration().get("mishbench.test.key"));
  }
}
