package io.mishbench.averaging;

import io.mishbench.averaging.WorkerResult.Part;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of an epoch's barrier stage in the ring exchange: it hosts the workers {@code w} with
 * {@code w mod tasks == task}, sets the epoch's starting state into its executor's kept network once,
 * and then runs every averaging round of the epoch itself: its workers fit their {@code F}
 * minibatches (each from the round's starting state; several hosted workers are summed in the
 * executor before anything travels), the tasks pass their counts and losses around the {@link Ring},
 * and average parameters and updater state across the ring. After the last round every task holds the
 * averaged state; task 0 returns it to the driver. The semantics are {@link AveragingMaster}'s: the
 * mean over the workers that had minibatches in the round, the step counter advanced by {@code F}.
 *
 * <p>If any worker sees a non-finite loss, every task learns it in that round's exchange and the
 * stage ends with the earliest such step; nothing of that round is averaged.
 */
final class EpochTask extends AbstractFunction1<Iterator<Integer>, Iterator<WorkerResult>> implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(EpochTask.class);

  /** How long tasks wait for each other to connect the ring. */
  static final long CONNECT_MILLIS = 120_000;

  /**
   * One epoch's plan: worker {@code w} fits minibatches {@code [0, minibatches[w])} of {@code epoch},
   * {@code frequency} per round, on task {@code w mod tasks}, from the state the driver serves on {@code
   * driverHost:driverPort} ({@link DriverLink}) and the step and epoch counters given here.
   */
  record Plan(int epoch, int frequency, int[] minibatches, int tasks, long token, String driverHost, int driverPort,
      long iteration, int epochCount) implements Serializable {
    int rounds() {
      return (Arrays.stream(minibatches).max().orElse(0) + frequency - 1) / frequency;
    }
  }

  private final Broadcast<RoundTask.Setup> setup;
  private final Plan plan;

  EpochTask(Broadcast<RoundTask.Setup> setup, Plan plan) {
    this.setup = setup;
    this.plan = plan;
  }

  @Override
  public Iterator<WorkerResult> apply(Iterator<Integer> ignored) {
    try {
      return JavaConverters.asScalaIterator(List.of(run()).iterator());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("averaging task interrupted", e);
    }
  }

  private WorkerResult run() throws IOException, InterruptedException {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int task = ctx.partitionId();
    long[] nanos = new long[Part.values().length];
    long t = System.nanoTime();
    long token = plan.token() * 31 + ctx.stageAttemptNumber();
    try (Ring ring = new Ring(task, plan.tasks(), token, ctx::isInterrupted)) {
      String host = SparkEnv.get().blockManager().blockManagerId().host();
      String[] gathered = ctx.allGather(new Ring.Address(host, ring.port()).toString());
      Ring.Address[] addresses = Arrays.stream(gathered).map(Ring.Address::parse).toArray(Ring.Address[]::new);
      ring.join(addresses, CONNECT_MILLIS);
      t = RoundTask.lap(nanos, Part.CONNECT, t);
      return rounds(ctx, ring, nanos, t);
    }
  }

  private WorkerResult rounds(BarrierTaskContext ctx, Ring ring, long[] nanos, long t)
      throws IOException, InterruptedException {
    RoundTask.Setup s = setup.value();
    NetworkPool.Lease lease = s.lease();
    ComputationGraph net = lease.net();
    t = RoundTask.lap(nanos, Part.NETWORK, t);
    INDArray params = net.params();
    INDArray updater = net.getUpdater().getStateViewArray();
    try {
      DriverLink.Client.fetch(plan.driverHost(), plan.driverPort(), plan.token(), params, updater);
    } catch (IOException | RuntimeException e) {
      lease.release();
      throw e;
    }
    net.getConfiguration().setEpochCount(plan.epochCount());
    t = RoundTask.lap(nanos, Part.FETCH, t);

    List<Integer> hosted = new ArrayList<>();
    for (int w = ring.rank(); w < plan.minibatches().length; w += plan.tasks()) {
      hosted.add(w);
    }
    int f = plan.frequency();
    int rounds = plan.rounds();
    long images = 0;
    int fitted = 0;
    double meanScore = Double.NaN;
    List<Prefetch> data = new ArrayList<>();
    INDArray snapshotParams = null;
    INDArray snapshotUpdater = null;
    INDArray sumParams = null;
    INDArray sumUpdater = null;
    try (Reports reports = ring.rank() == 0 ? Reports.connect(plan) : null) {
      long iteration = plan.iteration();
      for (int w : hosted) {
        data.add(new Prefetch(s.loader(), new RoundTask.Assignment(w, plan.epoch(), 0, plan.minibatches()[w])));
      }
      for (int r = 0; r < rounds; r++) {
        long roundStep = iteration + (long) r * f;
        int contributed = 0;
        double scoreSum = 0;
        long divergedStep = -1;
        double divergedLoss = Double.NaN;
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < hosted.size(); i++) {
          if (r * f < plan.minibatches()[hosted.get(i)]) {
            active.add(i);
          }
        }
        boolean several = active.size() > 1;
        if (several) { // each hosted worker starts from the round's state; their sum is kept here
          snapshotParams = copy(params, snapshotParams);
          snapshotUpdater = updater == null ? null : copy(updater, snapshotUpdater);
        }
        for (int i : active) {
          int w = hosted.get(i);
          if (contributed > 0) {
            params.assign(snapshotParams);
            if (updater != null) {
              updater.assign(snapshotUpdater);
            }
          }
          net.getConfiguration().setIterationCount((int) roundStep);
          double score = Double.NaN;
          int to = Math.min(r * f + f, plan.minibatches()[w]);
          for (int b = r * f; b < to && divergedStep < 0; b++) {
            ctx.killTaskIfInterrupted();
            DataSet d = data.get(i).next();
            t = RoundTask.lap(nanos, Part.DATA_WAIT, t);
            net.fit(d);
            score = net.score();
            t = RoundTask.lap(nanos, Part.FIT, t);
            images += d.numExamples();
            fitted++;
            if (!Double.isFinite(score)) {
              divergedStep = roundStep + b - r * f;
              divergedLoss = score;
            }
          }
          if (divergedStep >= 0) {
            break;
          }
          if (several) {
            sumParams = contributed == 0 ? copy(params, sumParams) : sumParams.addi(params);
            if (updater != null) {
              sumUpdater = contributed == 0 ? copy(updater, sumUpdater) : sumUpdater.addi(updater);
            }
          }
          scoreSum += score;
          contributed++;
        }
        if (several && divergedStep < 0) {
          params.assign(sumParams);
          if (updater != null) {
            updater.assign(sumUpdater);
          }
        } else if (contributed == 0) { // sits the round out: adds nothing to the sum
          params.assign(0);
          if (updater != null) {
            updater.assign(0);
          }
        }
        t = RoundTask.lap(nanos, Part.COLLECT, t);
        double[][] all = ring.allGather(new double[] {contributed, scoreSum, divergedStep, divergedLoss});
        t = RoundTask.lap(nanos, Part.SYNC, t);
        int total = 0;
        double totalScore = 0;
        long firstDiverged = -1;
        double firstLoss = Double.NaN;
        for (double[] v : all) {
          total += (int) v[0];
          totalScore += v[1];
          if (v[2] >= 0 && (firstDiverged < 0 || v[2] < firstDiverged)) {
            firstDiverged = (long) v[2];
            firstLoss = v[3];
          }
        }
        if (firstDiverged >= 0) {
          lease.release();
          return WorkerResult.of(ring.rank(), RoundTask.location(), null, null, Double.NaN, images, fitted,
              lease.built(), nanos).diverged(firstDiverged, firstLoss);
        }
        ring.allReduceMean(params, total);
        if (updater != null) {
          ring.allReduceMean(updater, total);
        }
        net.getConfiguration().setIterationCount((int) (roundStep + f));
        meanScore = totalScore / total;
        t = RoundTask.lap(nanos, Part.ALL_REDUCE, t);
        if (reports != null) {
          reports.round(r + 1, rounds, meanScore);
        }
      }
    } finally {
      data.forEach(Prefetch::close);
    }
    // every task now holds the same state: task 0 sends it to the driver; all return their counts and times
    try {
      if (ring.rank() == 0) {
        DriverLink.Client.put(plan.driverHost(), plan.driverPort(), plan.token(), params, updater);
        t = RoundTask.lap(nanos, Part.COLLECT, t);
        return WorkerResult.of(0, RoundTask.location(), null, null, meanScore, images, fitted, lease.built(), nanos)
            .summedInProcess(); // its state went to the driver beside the result: it counts as one contributor
      }
      return WorkerResult.of(ring.rank(), RoundTask.location(), null, null, 0, images, fitted, lease.built(), nanos);
    } finally {
      lease.release();
    }
  }

  private static INDArray copy(INDArray from, INDArray into) {
    return into == null ? from.dup() : into.assign(from);
  }

  /** Task 0's line to the driver: one record per round, so that the driver can show progress inside the stage. */
  static final class Reports implements AutoCloseable {
    private final DriverLink.Client client;

    private Reports(DriverLink.Client client) {
      this.client = client;
    }

    /** Connects to the driver; null (and a warning) when it cannot be reached: progress is not worth failing for. */
    static Reports connect(Plan plan) {
      try {
        return new Reports(DriverLink.Client.open(plan.driverHost(), plan.driverPort(), plan.token(), DriverLink.REPORTS));
      } catch (IOException e) {
        log.warn("cannot report averaging rounds to the driver ({}); progress shows at the epoch's end", e.toString());
        return null;
      }
    }

    void round(int done, int total, double loss) {
      try {
        client.report(done, total, loss);
      } catch (IOException e) {
        log.debug("round report lost: {}", e.toString());
      }
    }

    @Override
    public void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // the driver reads up to the close
      }
    }
  }
}
