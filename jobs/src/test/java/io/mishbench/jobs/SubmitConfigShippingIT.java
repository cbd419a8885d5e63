package io.mishbench.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In cluster deploy mode the submit scripts ship a local {@code --config} file with the application
 * ({@code --files}) and pass its name, which the driver finds (io.mishbench.config.ConfigFile); URIs and
 * paths that only exist on the cluster are passed on untouched; client mode changes nothing.
 */
class SubmitConfigShippingIT {

  @TempDir Path dir;

  private String dryRun(String deployMode, String... job) throws Exception {
    Path home = Files.createDirectories(dir.resolve("spark/bin"));
    Path submit = home.resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> cmd = new ArrayList<>(List.of(SubmitScriptsHelpIT.SCRIPTS.resolve("submit-k8s.sh").toString(),
        "--master", "k8s://https://127.0.0.1:1", "--dry-run", "--deploy-mode", deployMode, "--container-image", "img",
        "--jar", "local:///opt/mishbench/mishbench-jobs.jar", "--event-log-dir", "s3a://bucket/events"));
    cmd.addAll(List.of(job));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
    pb.environment().put("SPARK_HOME", dir.resolve("spark").toString());
    Path out = dir.resolve("out.txt");
    Process p = pb.redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void aLocalConfigIsShippedInClusterModeOnly() throws Exception {
    Files.writeString(dir.resolve("exp.conf"), "dataset = /d\n");

    String cluster = dryRun("cluster", "benchmark", "--config", "exp.conf", "--set", "training.epochs=1");
    assertTrue(cluster.contains("--files " + dir.resolve("exp.conf")), cluster);
    assertTrue(cluster.contains("mishbench-jobs.jar benchmark --config exp.conf --set training.epochs=1"), cluster);

    String uri = dryRun("cluster", "train", "--config=" + dir.resolve("exp.conf").toUri());
    assertTrue(uri.contains("--files " + dir.resolve("exp.conf")), uri);
    assertTrue(uri.contains("train --config=exp.conf"), uri);

    String hdfs = dryRun("cluster", "train", "--config", "hdfs://nn:8020/conf/exp.conf");
    assertFalse(hdfs.contains("--files"), hdfs);
    assertTrue(hdfs.contains("train --config hdfs://nn:8020/conf/exp.conf"), hdfs);

    String inImage = dryRun("cluster", "train", "--config", "/opt/mishbench/conf/paper-table.conf");
    assertFalse(inImage.contains("--files"), inImage);

    String client = dryRun("client", "train", "--config", "exp.conf");
    assertFalse(client.contains("--files"), client);
    assertTrue(client.contains("train --config exp.conf"), client);
  }
}
