package io.mishbench.averaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The networks an executor JVM keeps between averaging rounds, so that a round sets parameters and
 * updater state in place instead of building the network again (DL4J's parameter averaging builds a
 * network from its JSON configuration for every worker in every round). A worker takes a network for
 * its round and gives it back when its result is taken out; networks are interchangeable because a
 * round overwrites everything that differs between them. The pool holds the networks of one
 * configuration only: when a different configuration arrives (the next run of a grid), the old
 * networks are dropped.
 */
final class NetworkPool {

  private static String key;
  private static final Deque<ComputationGraph> IDLE = new ArrayDeque<>();

  private NetworkPool() {}

  /** A network of configuration {@code configKey}: an idle one, or a new one from {@code build}. */
  static Lease take(String configKey, Supplier<ComputationGraph> build) {
    synchronized (NetworkPool.class) {
      if (!configKey.equals(key)) {
        IDLE.clear();
        key = configKey;
      }
      ComputationGraph idle = IDLE.pollFirst();
      if (idle != null) {
        return new Lease(configKey, idle, false);
      }
    }
    return new Lease(configKey, build.get(), true);
  }

  /** Idle networks held now (for tests). */
  static synchronized int idle() {
    return IDLE.size();
  }

  /** Drops every idle network. */
  static synchronized void clear() {
    IDLE.clear();
    key = null;
  }

  /** A network taken from the pool; {@link #release} gives it back. */
  record Lease(String configKey, ComputationGraph net, boolean built) {
    void release() {
      synchronized (NetworkPool.class) {
        if (configKey.equals(key)) {
          IDLE.addFirst(net);
        }
      }
    }
  }
}
