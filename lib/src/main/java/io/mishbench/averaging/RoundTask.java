package io.mishbench.averaging;

import io.mishbench.averaging.WorkerResult.Part;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One worker's part of an averaging round, run in a Spark task: take the broadcast state, take a
 * network from the executor's {@link NetworkPool}, copy the state into it, fit the worker's
 * minibatches of the round (each read on a loader thread while the previous one trains), and return
 * the network's parameters and updater state with the timings of each {@link Part}. A non-finite loss
 * stops the worker at once and is reported instead of parameters.
 */
final class RoundTask implements FlatMapFunction<Iterator<RoundTask.Assignment>, WorkerResult> {

  private static final long serialVersionUID = 1L;

  /** Minibatches {@code [from, to)} of {@code worker} in {@code epoch}. */
  record Assignment(int worker, int epoch, int from, int to) implements Serializable {}

  /** What stays the same through a run: the network's configuration and the data. */
  record Setup(String configJson, String configKey, MinibatchLoader loader, boolean reuseNetworks,
      String inProcessMaster) implements Serializable {

    /** A network for this configuration: a kept one from the executor's pool, or a fresh one when networks are not kept. */
    NetworkPool.Lease lease() {
      return reuseNetworks
          ? NetworkPool.take(configKey, () -> build(configJson))
          : new NetworkPool.Lease(configKey, build(configJson), true);
    }

    /** Whether workers run in the driver's JVM and exchange through {@link InProcessExchange}. */
    boolean inProcess() {
      return inProcessMaster != null;
    }
  }

  private final Broadcast<Setup> setup;
  private final Broadcast<RoundState> state;

  RoundTask(Broadcast<Setup> setup, Broadcast<RoundState> state) {
    this.setup = setup;
    this.state = state;
  }

  @Override
  public Iterator<WorkerResult> call(Iterator<Assignment> assignments) throws Exception {
    List<WorkerResult> out = new java.util.ArrayList<>(1);
    while (assignments.hasNext()) {
      out.add(train(assignments.next()));
    }
    return out.iterator();
  }

  private WorkerResult train(Assignment a) throws Exception {
    long[] nanos = new long[Part.values().length];
    long t = System.nanoTime();
    Setup s = setup.value();
    InProcessExchange.Slot slot = s.inProcess() ? InProcessExchange.slot(s.inProcessMaster()) : null;
    RoundState st = slot != null ? slot.state() : state.value();
    t = lap(nanos, Part.FETCH, t);
    NetworkPool.Lease lease = s.lease();
    ComputationGraph net = lease.net();
    t = lap(nanos, Part.NETWORK, t);
    net.params().assign(st.params());
    INDArray updaterView = st.updater() == null ? null : net.getUpdater().getStateViewArray();
    if (updaterView != null) {
      updaterView.assign(st.updater());
    }
    net.getConfiguration().setIterationCount((int) st.iteration());
    net.getConfiguration().setEpochCount(st.epoch());
    t = lap(nanos, Part.SET_STATE, t);
    long images = 0;
    int fitted = 0;
    double score = Double.NaN;
    try (Prefetch batches = new Prefetch(s.loader(), a)) {
      for (int i = a.from(); i < a.to(); i++) {
        DataSet d = batches.next();
        t = lap(nanos, Part.DATA_WAIT, t);
        net.fit(d);
        score = net.score();
        t = lap(nanos, Part.FIT, t);
        images += d.numExamples();
        fitted++;
        if (!Double.isFinite(score)) {
          lease.release();
          return WorkerResult.of(a.worker(), location(), null, null, score, images, fitted, lease.built(), nanos)
              .diverged(st.iteration() + fitted - 1, score);
        }
      }
    }
    WorkerResult r;
    if (slot != null) { // summed here, in the driver's JVM: nothing travels
      slot.add(a.worker(), net.params(), updaterView == null ? null : net.getUpdater().getStateViewArray());
      lease.release();
      lap(nanos, Part.COLLECT, t);
      r = WorkerResult.of(a.worker(), location(), null, null, score, images, fitted, lease.built(), nanos).summedInProcess();
    } else { // the network's own arrays, serialized by Spark; the network goes back to the pool after that
      INDArray updater = updaterView == null ? null : net.getUpdater().getStateViewArray();
      lap(nanos, Part.COLLECT, t);
      r = WorkerResult.of(a.worker(), location(), net.params(), updater, score, images, fitted, lease.built(), nanos);
      r.afterSerialization(lease::release);
    }
    return r;
  }

  /** Adds the time since {@code since} to part {@code p}; returns now. */
  static long lap(long[] nanos, Part p, long since) {
    long now = System.nanoTime();
    nanos[p.ordinal()] += now - since;
    return now;
  }

  static ComputationGraph build(String json) {
    ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
    net.init();
    return net;
  }

  /** This executor as a Spark task location, so later rounds can ask for the same one. */
  static String location() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return "";
    }
    return "executor_" + env.blockManager().blockManagerId().host() + "_" + env.executorId();
  }
}
