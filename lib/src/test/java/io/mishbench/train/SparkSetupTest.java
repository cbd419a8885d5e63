package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What every executor JVM is started with, and that a user's own settings win. */
class SparkSetupTest {

  @Test
  void executorsGetTheVectorApiTheClockAndChooseTheirOwnNd4j() {
    SparkConf conf = SparkSetup.withDefaults(new SparkConf(false));
    String opts = conf.get("spark.executor.extraJavaOptions");
    assertTrue(opts.contains("--add-modules=jdk.incubator.vector"), opts);
    assertTrue(opts.contains("-D" + SparkSetup.TIME_SOURCE_PROPERTY + "=" + SparkSetup.SYSTEM_CLOCK), opts);
    assertTrue(!opts.contains(Nd4jBinary.PROPERTY), "no build imposed on executors: " + opts);
    assertTrue(conf.get(SparkSetup.PLUGINS).contains(Nd4jBinaryPlugin.class.getName()), conf.get(SparkSetup.PLUGINS));
  }

  @Test
  void userSettingsAreKept() {
    SparkConf conf = new SparkConf(false)
        .set("spark.executor.extraJavaOptions", "-Xss4m --add-modules jdk.incubator.vector -D" + Nd4jBinary.PROPERTY + "=-avx2")
        .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
    SparkSetup.withDefaults(conf);
    String opts = conf.get("spark.executor.extraJavaOptions");
    assertTrue(opts.startsWith("-Xss4m --add-modules jdk.incubator.vector -D" + Nd4jBinary.PROPERTY + "=-avx2"), opts);
    assertEquals(1, opts.split("jdk.incubator.vector", -1).length - 1, "module added once: " + opts);
    assertEquals("org.apache.spark.serializer.JavaSerializer", conf.get("spark.serializer"));
  }
}
