package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Nd4jThreads}: an executor running several tasks at once gives each ND4J operation one task's
 * cores, one running a task at a time all of its cores, never the machine's; the setting overrides it
 * and a bad one is refused; applying it reaches ND4J and its BLAS.
 */
class Nd4jThreadsTest {

  private static SparkConf conf(String... kv) {
    SparkConf c = new SparkConf(false);
    for (int i = 0; i < kv.length; i += 2) {
      c.set(kv[i], kv[i + 1]);
    }
    return c;
  }

  @Test
  void severalTasksAtOnceShareTheExecutorsCores() {
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "spark://m:7077", "spark.executor.cores", "8"), 64));
    assertEquals(2, Nd4jThreads.forExecutor(conf("spark.master", "yarn", "spark.executor.cores", "8", "spark.task.cpus", "2"), 64));
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "local[2]"), 16));
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "local[*]"), 16));
  }

  @Test
  void oneTaskAtATimeUsesAllOfTheExecutorsCores() {
    assertEquals(4, Nd4jThreads.forExecutor(conf("spark.master", "spark://m:7077", "spark.executor.cores", "4", "spark.task.cpus", "4"), 64));
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "spark://m:7077", "spark.executor.cores", "1"), 64));
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "local"), 16));
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "local[1]"), 16));
    // no spark.executor.cores (standalone's default: all of the worker's cores): the machine's
    assertEquals(1, Nd4jThreads.forExecutor(conf("spark.master", "spark://m:7077"), 16));
    assertEquals(3, Nd4jThreads.forExecutor(conf("spark.master", "spark://m:7077", "spark.task.cpus", "3"), 3));
  }

  @Test
  void theSettingOverridesAndIsChecked() {
    assertEquals(6, Nd4jThreads.forExecutor(conf("spark.master", "local[2]", Nd4jThreads.PROPERTY, "6"), 2));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Nd4jThreads.forExecutor(conf(Nd4jThreads.PROPERTY, "0"), 2));
    assertEquals(true, e.getMessage().contains(Nd4jThreads.PROPERTY), e.getMessage());
  }

  @Test
  void applyingReachesNd4jAndItsBlas() {
    int before = Nd4j.getEnvironment().maxMasterThreads();
    int blasBefore = Nd4j.factory().blas().getMaxThreads();
    try {
      Nd4jThreads.apply(1);
      assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
      assertEquals(1, Nd4j.factory().blas().getMaxThreads());
    } finally {
      Nd4j.getEnvironment().setMaxMasterThreads(before);
      Nd4j.factory().blas().setMaxThreads(blasBefore);
    }
  }
}
