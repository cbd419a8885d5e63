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
 * The Spark plugin ({@code spark.plugins}) that binds every task thread to the GPU Spark assigned to the
 * task ({@link GpuBinding}) before the task's code runs, training and evaluation alike. {@link SparkSetup}
 * registers it when GPUs are scheduled (spark.executor.resource.gpu.amount).
 */
public final class GpuPlugin implements SparkPlugin {

  private static final Logger log = LoggerFactory.getLogger(GpuPlugin.class);

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        log.info("executor {} on {}: GPUs {}, CUDA_VISIBLE_DEVICES={}", ctx.executorID(), Provenance.host(),
            GpuBinding.addresses(ctx.resources()), System.getenv("CUDA_VISIBLE_DEVICES"));
      }

      @Override
      public void onTaskStart() {
        try {
          GpuBinding.bindCurrentThread();
        } catch (RuntimeException | LinkageError e) { // the task still runs, on ND4J's default device
          log.warn("cannot bind the task thread to its GPU: {}", e.toString());
        }
      }
    };
  }
}
