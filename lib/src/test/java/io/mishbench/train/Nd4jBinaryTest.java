package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

class Nd4jBinaryTest {

  static final Set<String> AVX512 = Set.of("sse4_2", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl");

  @Test
  void picksTheFastestBuildTheCpuCanRun() {
    assertEquals("-onednn-avx512", Nd4jBinary.forFlags(AVX512));
    assertEquals("-onednn-avx2", Nd4jBinary.forFlags(Set.of("sse4_2", "avx2", "fma", "avx512f")), "partial AVX-512 is not enough");
    assertEquals("", Nd4jBinary.forFlags(Set.of("sse4_2", "avx")), "no AVX2: the portable build");
    assertEquals("", Nd4jBinary.forFlags(Set.of()));
  }

  @Test
  void aBuildNamedInTheJvmOptionsWins() {
    assertEquals("-onednn-avx512", Nd4jBinary.choose(null, AVX512));
    assertEquals("", Nd4jBinary.choose("", AVX512), "an empty override forces the portable build");
    assertEquals("-avx2", Nd4jBinary.choose("-avx2", AVX512));
  }

  @Test
  void everyExecutorChoosesForItsOwnCpuWhenItStarts() {
    String before = System.getProperty(Nd4jBinary.PROPERTY);
    try {
      System.clearProperty(Nd4jBinary.PROPERTY);
      new Nd4jBinaryPlugin().executorPlugin().init(context(), Map.of());
      assertEquals(Nd4jBinary.forFlags(Nd4jBinary.cpuFlags()), System.getProperty(Nd4jBinary.PROPERTY),
          "the build for this machine's /proc/cpuinfo");

      System.setProperty(Nd4jBinary.PROPERTY, "");
      new Nd4jBinaryPlugin().executorPlugin().init(context(), Map.of());
      assertEquals("", System.getProperty(Nd4jBinary.PROPERTY), "MISHBENCH_EXECUTOR_ND4J_EXTENSION= kept");
    } finally {
      if (before == null) {
        System.clearProperty(Nd4jBinary.PROPERTY);
      } else {
        System.setProperty(Nd4jBinary.PROPERTY, before);
      }
    }
  }

  private static PluginContext context() {
    return new PluginContext() {
      @Override public MetricRegistry metricRegistry() { return new MetricRegistry(); }
      @Override public SparkConf conf() { return new SparkConf(false); }
      @Override public String executorID() { return "1"; }
      @Override public String hostname() { return "worker-1"; }
      @Override public Map<String, ResourceInformation> resources() { return Map.of(); }
      @Override public void send(Object message) {}
      @Override public Object ask(Object message) { return null; }
    };
  }
}
