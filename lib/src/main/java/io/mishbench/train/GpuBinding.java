package io.mishbench.train;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a thread's ND4J work run on the GPU Spark assigned to its task. DL4J itself ignores Spark's
 * GPU scheduling: ND4J's CUDA backend spreads new threads over every visible device, so two executors
 * on one node would share a GPU and leave another idle. {@link GpuPlugin} calls {@link #bindCurrentThread}
 * at the start of every task; DL4J's prefetch thread takes the device of the task thread that creates it.
 *
 * <p>The choice itself ({@link #choose}) is pure: Spark's addresses are GPU indices as the discovery
 * script printed them (nvidia-smi's, which ignore CUDA_VISIBLE_DEVICES), while CUDA numbers only the
 * devices CUDA_VISIBLE_DEVICES lets it see, in that list's order.
 */
public final class GpuBinding {

  private static final Logger log = LoggerFactory.getLogger(GpuBinding.class);

  /** Spark's resource name for GPUs (spark.executor.resource.gpu.amount). */
  public static final String GPU = "gpu";

  private GpuBinding() {}

  /**
   * The CUDA device ordinal to use, or {@link #NONE} (ordinal -1) to leave ND4J's own choice.
   *
   * @param reason one sentence for the log and the provenance
   */
  public record Choice(int ordinal, String reason) {
    public boolean binds() {
      return ordinal >= 0;
    }
  }

  static Choice none(String reason) {
    return new Choice(-1, reason);
  }

  /**
   * Which device a task uses.
   *
   * @param sparkAddresses the GPU addresses Spark assigned to the task (empty when none: no GPU
   *     scheduling, or the driver); a task with several uses the first
   * @param cudaVisibleDevices the CUDA_VISIBLE_DEVICES value, null when unset
   * @param deviceCount the devices ND4J sees, or -1 when not known
   */
  public static Choice choose(List<String> sparkAddresses, String cudaVisibleDevices, int deviceCount) {
    List<String> visible = visibleDevices(cudaVisibleDevices);
    Choice c;
    if (!sparkAddresses.isEmpty()) {
      String address = sparkAddresses.get(0).trim();
      int at = visible.indexOf(address);
      if (at >= 0) {
        c = new Choice(at, "Spark assigned GPU " + address + ", CUDA device " + at + " of CUDA_VISIBLE_DEVICES="
            + cudaVisibleDevices);
      } else if (!address.matches("\\d+")) {
        return none("Spark assigned GPU '" + address + "', which is neither an index nor in CUDA_VISIBLE_DEVICES="
            + cudaVisibleDevices);
      } else if (visible.isEmpty() || Integer.parseInt(address) < visible.size()) {
        // no CUDA_VISIBLE_DEVICES, or a container that renumbers its GPUs from 0 (YARN, Kubernetes)
        c = new Choice(Integer.parseInt(address), "Spark assigned GPU " + address);
      } else {
        return none("Spark assigned GPU " + address + ", which CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices
            + " hides");
      }
    } else if (!visible.isEmpty()) {
      c = new Choice(0, "no GPU assigned by Spark: the first of CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices);
    } else {
      return none("no GPU assigned by Spark and CUDA_VISIBLE_DEVICES unset: ND4J's default");
    }
    if (deviceCount >= 0 && c.ordinal() >= deviceCount) {
      return none(c.reason() + ", but ND4J sees only " + deviceCount + " device(s)");
    }
    return c;
  }

  /**
   * The entries of a CUDA_VISIBLE_DEVICES value in order (indices or GPU-UUIDs); empty for null, blank,
   * or the values that hide every device ("-1", "NoDevFiles").
   */
  public static List<String> visibleDevices(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> entries = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (entries.isEmpty() || entries.get(0).equals("-1") || entries.get(0).equals("NoDevFiles")) {
      return List.of();
    }
    return entries;
  }

  /** The GPU addresses Spark assigned to the running task, empty outside a task or without GPUs. */
  public static List<String> taskAddresses() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return List.of();
    }
    return addresses(task.resourcesJMap());
  }

  static List<String> addresses(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get(GPU);
    return gpu == null ? List.of() : List.of(gpu.addresses());
  }

  /**
   * Binds this thread to the GPU of its task when ND4J runs on CUDA; on the CPU backend, or with no
   * GPU in sight, it does nothing (and does not load ND4J).
   */
  public static Choice bindCurrentThread() {
    List<String> addresses = taskAddresses();
    String visible = System.getenv("CUDA_VISIBLE_DEVICES");
    if (addresses.isEmpty() && visibleDevices(visible).isEmpty()) {
      return none("no GPU assigned by Spark and CUDA_VISIBLE_DEVICES unset: ND4J's default");
    }
    if (Nd4j.getEnvironment().isCPU()) {
      return none("ND4J runs on the CPU backend");
    }
    Choice c = choose(addresses, visible, Nd4j.getAffinityManager().getNumberOfDevices());
    if (c.binds()) {
      Nd4j.getAffinityManager().unsafeSetDevice(c.ordinal());
      log.debug("thread {} on CUDA device {}: {}", Thread.currentThread().getName(), c.ordinal(), c.reason());
    } else {
      log.warn("thread {} left on ND4J's default device: {}", Thread.currentThread().getName(), c.reason());
    }
    return c;
  }
}
