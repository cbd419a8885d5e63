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
    if (!executorOpts.contains(Nd4jBinary.PROPERTY)) {
      // executors may run on other CPUs than the driver: the portable build unless told otherwise
      executorOpts += " -D" + Nd4jBinary.PROPERTY + "=";
    }
    conf.set("spark.executor.extraJavaOptions", executorOpts.trim());
    if (schedulesGpus(conf)) {
      // DL4J ignores the GPU Spark assigns to a task: the plugin binds each task thread to it
      String plugins = conf.get(PLUGINS, "");
      if (!plugins.contains(GpuPlugin.class.getName())) {
        conf.set(PLUGINS, plugins.isBlank() ? GpuPlugin.class.getName() : plugins + "," + GpuPlugin.class.getName());
      }
    }
    return conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .setIfMissing("spark.kryo.registrator", Nd4jKryoRegistrator.class.getName())
        // one minibatch of 256x256 RGB images, or a network's parameters, exceeds Kryo's default 64m
        .setIfMissing("spark.kryoserializer.buffer.max", "1024m")
        .setIfMissing("spark.ui.showConsoleProgress", "false");
  }

  /**
   * The Hadoop configuration a Spark context of this JVM would have, built before any context exists:
   * {@code spark.hadoop.*} settings (given to spark-submit with {@code --conf}, or in
   * spark-defaults.conf), {@code core-site.xml} and friends on the class path, and the AWS credentials
   * of the environment (Spark's own {@code SparkHadoopUtil}). The pre-checks and the commands that run
   * without Spark (aggregate) read through it, so an {@code s3a://} endpoint or key given to Spark is
   * seen there too.
   */
  public static org.apache.hadoop.conf.Configuration hadoopConfiguration() {
    return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(new SparkConf());
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
