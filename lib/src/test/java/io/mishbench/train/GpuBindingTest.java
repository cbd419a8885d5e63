package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure part of GPU binding: which CUDA device a task's Spark addresses and CUDA_VISIBLE_DEVICES mean. */
class GpuBindingTest {

  static Stream<Arguments> choices() {
    return Stream.of(
        // addresses, CUDA_VISIBLE_DEVICES, devices ND4J sees, expected ordinal (-1: leave ND4J's default)
        Arguments.of(List.of("0"), null, -1, 0),
        Arguments.of(List.of("3"), null, 8, 3),
        Arguments.of(List.of("3"), null, 2, -1), // Spark's index beyond what CUDA sees
        Arguments.of(List.of("2", "5"), null, 8, 2), // several: the first
        Arguments.of(List.of("5"), "4,5,6", 3, 1), // CUDA renumbers the visible devices
        Arguments.of(List.of("GPU-aa"), "GPU-bb,GPU-aa", -1, 1), // UUIDs
        Arguments.of(List.of("0"), "7", 1, 0), // container that renumbers from 0
        Arguments.of(List.of("3"), "7", 1, -1), // hidden by CUDA_VISIBLE_DEVICES
        Arguments.of(List.of("GPU-cc"), "GPU-bb", -1, -1),
        Arguments.of(List.of(), "6,7", -1, 0), // no Spark GPU: the first visible
        Arguments.of(List.of(), " ", -1, -1),
        Arguments.of(List.of(), null, -1, -1),
        Arguments.of(List.of(), "-1", -1, -1),
        Arguments.of(List.of(" 1 "), "", 2, 1));
  }

  @ParameterizedTest
  @MethodSource("choices")
  void choosesTheDeviceCudaNumbersForTheAssignedGpu(List<String> addresses, String visible, int devices, int expected) {
    GpuBinding.Choice c = GpuBinding.choose(addresses, visible, devices);
    assertEquals(expected, c.ordinal(), c.reason());
    assertEquals(expected >= 0, c.binds());
    assertFalse(c.reason().isBlank());
  }

  @Test
  void readsCudaVisibleDevices() {
    assertEquals(List.of("0", "2"), GpuBinding.visibleDevices("0, 2,"));
    assertEquals(List.of(), GpuBinding.visibleDevices("NoDevFiles"));
    assertEquals(List.of(), GpuBinding.visibleDevices(null));
  }

  @Test
  void readsSparksGpuResource() {
    assertEquals(List.of("1", "3"),
        GpuBinding.addresses(Map.of("gpu", new ResourceInformation("gpu", new String[] {"1", "3"}))));
    assertEquals(List.of(), GpuBinding.addresses(Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))));
    assertEquals(List.of(), GpuBinding.addresses(null));
  }

  @Test
  void outsideATaskOnTheCpuNothingIsBound() {
    // the test JVM is no Spark task and runs the CPU backend (or has no CUDA_VISIBLE_DEVICES)
    assertFalse(GpuBinding.bindCurrentThread().binds());
  }

  @Test
  void executorGpusAreCollectedFromTheTasks() {
    try (JavaSparkContext sc = new JavaSparkContext(
        SparkSetup.withDefaults(new SparkConf().setMaster("local[1]").setAppName("gpu-layout").set("spark.ui.enabled", "false")))) {
      String seen = SparkLayout.executorGpus(sc, 1);
      assertTrue(seen.contains("/driver: [] (no GPU assigned by Spark"), seen);
    }
  }

  @Test
  void thePluginIsRegisteredOnlyWhenExecutorsGetGpus() {
    SparkConf cpu = SparkSetup.withDefaults(new SparkConf(false));
    assertFalse(cpu.get(SparkSetup.PLUGINS).contains(GpuPlugin.class.getName()));
    SparkConf gpu = SparkSetup.withDefaults(new SparkConf(false)
        .set("spark.executor.resource.gpu.amount", "1").set(SparkSetup.PLUGINS, "com.example.Other"));
    assertEquals("com.example.Other," + Nd4jBinaryPlugin.class.getName() + "," + MetricsPlugin.class.getName() + ","
        + GpuPlugin.class.getName(),
        gpu.get(SparkSetup.PLUGINS));
    assertEquals(gpu.get(SparkSetup.PLUGINS), SparkSetup.withDefaults(gpu).get(SparkSetup.PLUGINS), "added once");
    assertTrue(SparkSetup.schedulesGpus(new SparkConf(false).set("spark.executor.resource.gpu.amount", "2")));
    assertFalse(SparkSetup.schedulesGpus(new SparkConf(false).set("spark.executor.resource.gpu.amount", "0")));
  }
}
