package io.mishbench.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
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
    return m;
  }
}
