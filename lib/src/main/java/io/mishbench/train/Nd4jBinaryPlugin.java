package io.mishbench.train;

import io.mishbench.results.Provenance;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark plugin ({@code spark.plugins}, added by {@link SparkSetup}) with which every executor picks
 * the ND4J CPU build for its own CPU ({@link Nd4jBinary}) when it starts, before any task loads ND4J,
 * as the driver does in {@code Main}. A build named in the executor's JVM options
 * ({@code -Dorg.bytedeco.javacpp.platform.extension=...}: {@code MISHBENCH_EXECUTOR_ND4J_EXTENSION} or
 * {@code spark.executor.extraJavaOptions}) is kept. It then sets the threads of one ND4J operation from the
 * executor's share of the machine ({@link Nd4jThreads}).
 *
 * <p>Executor plugins must not call {@code PluginContext.hostname()}: on a cluster executor Spark's RPC
 * environment has no address of its own, the call throws and the executor dies (seen on a standalone cluster).
 */
public final class Nd4jBinaryPlugin implements SparkPlugin {

  private static final Logger log = LoggerFactory.getLogger(Nd4jBinaryPlugin.class);

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        boolean given = System.getProperty(Nd4jBinary.PROPERTY) != null;
        String ext = Nd4jBinary.selectForThisCpu();
        log.info("executor {} on {}: ND4J CPU build {} ({})", ctx.executorID(), Provenance.host(),
            ext.isEmpty() ? "portable x86-64" : ext, given ? "already set: by its JVM options, or in local mode by the driver" : "chosen for this CPU");
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Nd4jThreads.forExecutor(ctx.conf(), cores);
        Nd4jThreads.apply(threads);
        log.info("executor {}: {} thread(s) per ND4J operation (executor cores {}, spark.task.cpus {}{})", ctx.executorID(),
            threads, Nd4jThreads.executorCores(ctx.conf(), cores), ctx.conf().get("spark.task.cpus", "1"),
            ctx.conf().contains(Nd4jThreads.PROPERTY) ? ", set by " + Nd4jThreads.PROPERTY : "");
      }
    };
  }
}
