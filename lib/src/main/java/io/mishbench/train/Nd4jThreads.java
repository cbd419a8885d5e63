package io.mishbench.train;

import org.apache.spark.SparkConf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How many threads one ND4J operation may use in an executor: the cores one task may use
 * ({@code spark.task.cpus}, default 1) when the executor runs several tasks at once, so that its
 * concurrent tasks together use its {@code spark.executor.cores} and no more; all of the executor's
 * cores when it runs one task at a time. Left alone, ND4J (OpenMP) and OpenBLAS each start a thread per
 * core of the machine for every operation, whatever share of the machine Spark gave the executor.
 * {@value #PROPERTY} sets the number outright.
 */
public final class Nd4jThreads {

  /** Spark setting that overrides the rule: threads per ND4J operation in every executor. */
  public static final String PROPERTY = "spark.mishbench.nd4j.threads";

  private Nd4jThreads() {}

  /** The threads per operation for an executor of {@code conf}; {@code machineCores} for what Spark leaves unsaid. */
  static int forExecutor(SparkConf conf, int machineCores) {
    if (conf.contains(PROPERTY)) {
      int n = conf.getInt(PROPERTY, 0);
      if (n < 1) {
        throw new IllegalArgumentException(PROPERTY + " must be a whole number of threads >= 1, got '" + conf.get(PROPERTY) + "'");
      }
      return n;
    }
    int executorCores = executorCores(conf, machineCores);
    int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
    return executorCores / taskCpus > 1 ? Math.min(taskCpus, executorCores) : executorCores;
  }

  /** spark.executor.cores, or local[N]'s N (local[*]: the machine's cores). */
  static int executorCores(SparkConf conf, int machineCores) {
    String master = conf.get("spark.master", "");
    if (master.startsWith("local")) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)").matcher(master);
      if (m.lookingAt()) {
        return m.group(1).equals("*") ? machineCores : Math.max(1, Integer.parseInt(m.group(1)));
      }
      return 1; // "local": one task at a time
    }
    return Math.max(1, conf.getInt("spark.executor.cores", machineCores));
  }

  /**
   * Applies {@code threads} to ND4J's operations (the threads one calling thread's operation fans out to:
   * libnd4j's "master" threads; its pool size itself never drops below 2) and to its BLAS (loads ND4J).
   */
  static void apply(int threads) {
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(Math.max(threads, Nd4j.getEnvironment().maxThreads()));
    Nd4j.factory().blas().setMaxThreads(threads);
  }
}
