package io.mishbench.train;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark settings every mishbench job needs, applied only where the user (spark-submit, conf
 * files) did not set them. The master is never set here: spark-submit or {@code spark.master} does.
 */
public final class SparkSetup {

  private SparkSetup() {}

  /** DL4J's training statistics take time from NTP servers by default: use the local clock. */
  static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";

  static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

  static final String VECTOR_MODULE = "jdk.incubator.vector";

  static final String PLUGINS = "spark.plugins";

  static final String GLIBC_TUNABLES = "GLIBC_TUNABLES";

  static final String EXECUTOR_GPUS = "spark.executor.resource.gpu.amount";

  /** Whether executors are given GPUs (spark.executor.resource.gpu.amount above 0). */
  static boolean schedulesGpus(SparkConf conf) {
    try {
      return Double.parseDouble(conf.get(EXECUTOR_GPUS, "0").trim()) > 0;
    } catch (NumberFormatException e) {
      return false; // Spark itself refuses the value when it starts
    }
  }

  /** mishbench's defaults on top of {@code conf}. */
  public static SparkConf withDefaults(SparkConf conf) {
    if (System.getProperty(TIME_SOURCE_PROPERTY) == null) {
      System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
    }
    Nd4jBinary.selectForThisCpu();
    String executorOpts = conf.get("spark.executor.extraJavaOptions", "");
    if (!executorOpts.contains(TIME_SOURCE_PROPERTY)) {
      executorOpts += " -D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK;
    }
    if (!executorOpts.contains(VECTOR_MODULE)) {
      // the SIMD activation kernels; without it executors fall back to scalar ones and say so
      executorOpts += " --add-modules=" + VECTOR_MODULE;
    }
    conf.set("spark.executor.extraJavaOptions", executorOpts.trim());
    // executors allocate like the driver: the malloc tunables the launcher gave this JVM
    // (conf/jvm-options.properties, glibc.tunables) go to them too
    String tunables = System.getenv(GLIBC_TUNABLES);
    if (tunables != null && !tunables.isBlank()) {
      conf.setIfMissing("spark.executorEnv." + GLIBC_TUNABLES, tunables);
    }
    // executors may run on other CPUs than the driver: each chooses its own ND4J build at start-up,
    // unless spark.executor.extraJavaOptions names one
    addPlugin(conf, Nd4jBinaryPlugin.class);
    // training metrics (images/s, loss, rounds, ...) for the sinks configured in Spark's metrics system
    addPlugin(conf, MetricsPlugin.class);
    if (schedulesGpus(conf)) {
      // DL4J ignores the GPU Spark assigns to a task: the plugin binds each task thread to it
      addPlugin(conf, GpuPlugin.class);
    }
    return conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .setIfMissing("spark.kryo.registrator", Nd4jKryoRegistrator.class.getName())
        // one minibatch of 256x256 RGB images, or a network's parameters, exceeds Kryo's default 64m
        .setIfMissing("spark.kryoserializer.buffer.max", "1024m")
        .setIfMissing("spark.ui.showConsoleProgress", "false")
        // an averaging round broadcasts the network's parameters and updater state, which LZ4 barely
        // shrinks but costs a pass over on both ends (bench.sh's round anatomy)
        .setIfMissing("spark.broadcast.compress", "false");
  }

  private static void addPlugin(SparkConf conf, Class<?> plugin) {
    String plugins = conf.get(PLUGINS, "");
    if (!plugins.contains(plugin.getName())) {
      conf.set(PLUGINS, plugins.isBlank() ? plugin.getName() : plugins + "," + plugin.getName());
    }
  }

  /** A context for {@code appName} with {@link #withDefaults}. */
  public static JavaSparkContext context(String appName) {
    SparkConf conf = withDefaults(new SparkConf().setAppName(appName));
    if (!conf.contains("spark.master")) {
      throw new IllegalStateException(
          "spark.master is not set: run through submit-scripts/mishbench or spark-submit (--master)");
    }
    return new JavaSparkContext(conf);
  }
}
