package io.mishbench.averaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The averaging round's exchange when the workers run in the driver's JVM (Spark local mode): the
 * workers read the driver's state where it is, and add their parameters and updater state into one
 * sum held here, which the driver then reads. Nothing is serialized or copied through Spark's block
 * manager: in one JVM, moving the state is a memory copy. Sums are kept per master and reused from
 * round to round.
 */
final class InProcessExchange {

  private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();

  private InProcessExchange() {}

  /** One master's round: the state workers start from, and the sum of what they return. */
  static final class Slot {
    private volatile RoundState state;
    private INDArray params;
    private INDArray updater;
    private int count;
    private final java.util.Set<Integer> added = new java.util.HashSet<>();

    /**
     * Adds worker {@code worker}'s parameters and updater state (the updater's may be null). A second
     * add of the same worker in one round (a retried or speculative task) is ignored.
     */
    synchronized void add(int worker, INDArray p, INDArray u) {
      if (!added.add(worker)) {
        return;
      }
      if (count == 0) {
        params = params == null ? p.dup() : params.assign(p);
        updater = u == null ? null : updater == null ? u.dup() : updater.assign(u);
      } else {
        params.addi(p);
        if (u != null && updater != null) {
          updater.addi(u);
        }
      }
      count++;
    }

    RoundState state() {
      RoundState s = state;
      if (s == null) {
        throw new IllegalStateException("no averaging round is open in this JVM: the in-process exchange needs"
            + " Spark local mode (workers in the driver's JVM)");
      }
      return s;
    }

    synchronized int count() {
      return count;
    }

    synchronized INDArray params() {
      return params;
    }

    synchronized INDArray updater() {
      return updater;
    }
  }

  /** Opens a round of master {@code id} with the state its workers start from. */
  static Slot open(String id, RoundState state) {
    Slot s = SLOTS.computeIfAbsent(id, k -> new Slot());
    synchronized (s) {
      s.count = 0;
      s.added.clear();
      s.state = state;
    }
    return s;
  }

  /** The open round of master {@code id}, as a worker in the driver's JVM sees it. */
  static Slot slot(String id) {
    Slot s = SLOTS.get(id);
    if (s == null) {
      throw new IllegalStateException("averaging master " + id + " has no round in this JVM: the in-process"
          + " exchange needs Spark local mode (workers in the driver's JVM)");
    }
    return s;
  }

  /** Forgets master {@code id} and its sums. */
  static void close(String id) {
    SLOTS.remove(id);
  }
}
