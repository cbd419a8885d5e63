package io.mishbench.train;

import io.mishbench.results.Provenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark side of a run's provenance: master, application, executors and what each was given. */
final class SparkLayout {

  private SparkLayout() {}

  static Map<String, String> of(JavaSparkContext sc) {
    SparkConf conf = sc.getConf();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.master", sc.master());
    m.put("spark.app.id", sc.sc().applicationId());
    m.put("spark.default.parallelism", String.valueOf(sc.defaultParallelism()));
    // block managers include the driver's; in local mode it is the only one
    int managers = sc.sc().getExecutorMemoryStatus().size();
    m.put("spark.executors.registered", String.valueOf(sc.isLocal() ? 0 : Math.max(0, managers - 1)));
    for (String key : new String[] {"spark.executor.instances", "spark.executor.cores", "spark.executor.memory",
        "spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount", "spark.driver.memory"}) {
      m.put(key, conf.get(key, "unset"));
    }
    if (SparkSetup.schedulesGpus(conf)) {
      m.put("spark.executor.gpus", executorGpus(sc, managers));
    }
    return m;
  }

  /**
   * The GPUs the executors' tasks were given, as {@code host/executor: addresses -> CUDA device} entries
   * from one tiny task per executor (best effort: a task may land twice on one executor).
   */
  static String executorGpus(JavaSparkContext sc, int managers) {
    int n = Math.max(1, managers - 1);
    try {
      List<String> seen = sc.parallelize(IntStream.range(0, n).boxed().toList(), n)
          .map(i -> {
            GpuBinding.Choice c = GpuBinding.choose(GpuBinding.taskAddresses(), System.getenv("CUDA_VISIBLE_DEVICES"), -1);
            return Provenance.host() + "/" + SparkEnv.get().executorId() + ": " + GpuBinding.taskAddresses()
                + (c.binds() ? " -> CUDA device " + c.ordinal() : " (" + c.reason() + ")");
          })
          .collect();
      return String.join("; ", new TreeSet<>(seen));
    } catch (RuntimeException e) {
      return "unavailable: " + e.getMessage();
    }
  }
}
