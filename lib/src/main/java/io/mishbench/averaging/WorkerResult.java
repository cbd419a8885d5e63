package io.mishbench.averaging;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What workers send back from a round, and the sum of several such results as Spark's tree
 * aggregation combines them: summed parameters and updater state, how many workers contributed,
 * their last losses summed, images and minibatches trained, where each worker ran, the earliest
 * non-finite loss seen, and each {@link Part} of the workers' time (sum and maximum over workers).
 */
public final class WorkerResult implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The timed parts of a worker's round. */
  public enum Part {
    /** getting the broadcast state: fetch and deserialization (a local lookup in local mode) */
    FETCH,
    /** taking a network from the executor's pool, building it when there is none */
    NETWORK,
    /** copying the state into the network */
    SET_STATE,
    /** fitting the minibatches */
    FIT,
    /** waiting for the next minibatch to be read, decoded and augmented */
    DATA_WAIT,
    /** the finished network's parameters and updater state taken out as the result */
    COLLECT,
    /** ring exchange: the tasks finding each other and connecting (once per epoch) */
    CONNECT,
    /** ring exchange: the round's counts and losses passed around, waiting for the slowest worker */
    SYNC,
    /** ring exchange: parameters and updater state summed and averaged across the tasks */
    ALL_REDUCE
  }

  private transient INDArray params;
  private transient INDArray updater;
  private int workers;
  private double scoreSum;
  private long images;
  private int minibatches;
  private int networksBuilt;
  private long divergedStep = -1;
  private String divergedLoss;
  private long[] sumNanos = new long[Part.values().length];
  private long[] maxNanos = new long[Part.values().length];
  private TreeMap<Integer, String> locations = new TreeMap<>();
  private int summedInProcess;
  private transient Runnable afterSerialization;

  /** The empty sum. */
  public static WorkerResult empty() {
    return new WorkerResult();
  }

  /** One worker's result; {@code nanos} indexed by {@link Part#ordinal()}. */
  static WorkerResult of(int worker, String location, INDArray params, INDArray updater, double score, long images,
      int minibatches, boolean built, long[] nanos) {
    if (nanos.length != Part.values().length) {
      throw new IllegalArgumentException(nanos.length + " timings for " + Part.values().length + " parts");
    }
    WorkerResult r = new WorkerResult();
    r.params = params;
    r.updater = updater;
    r.workers = params == null ? 0 : 1;
    r.scoreSum = score;
    r.images = images;
    r.minibatches = minibatches;
    r.networksBuilt = built ? 1 : 0;
    r.sumNanos = nanos.clone();
    r.maxNanos = nanos.clone();
    r.locations.put(worker, location);
    return r;
  }

  /** A worker whose parameters went into the driver JVM's sum ({@link InProcessExchange}) instead of this result. */
  WorkerResult summedInProcess() {
    summedInProcess = 1;
    return this;
  }

  /**
   * Runs {@code action} once this result has been written by Kryo or Java serialization: the arrays
   * it holds are a pooled network's own, which may be reused only after that.
   */
  void afterSerialization(Runnable action) {
    afterSerialization = action;
  }

  private void serialized() {
    Runnable a = afterSerialization;
    afterSerialization = null;
    if (a != null) {
      a.run();
    }
  }

  /** A worker that stopped at a non-finite loss: it contributes no parameters. */
  WorkerResult diverged(long step, double loss) {
    params = null;
    updater = null;
    workers = 0;
    scoreSum = 0;
    divergedStep = step;
    divergedLoss = String.valueOf(loss);
    return this;
  }

  /** {@code this} plus {@code other}, summed into whichever holds arrays (their arrays are reused). */
  public WorkerResult plus(WorkerResult other) {
    WorkerResult into = params != null || other.params == null ? this : other;
    WorkerResult from = into == this ? other : this;
    if (from.params != null) {
      into.params.addi(from.params);
      if (into.updater != null && from.updater != null) {
        into.updater.addi(from.updater);
      }
    }
    into.workers += from.workers;
    into.summedInProcess += from.summedInProcess;
    into.scoreSum += from.scoreSum;
    into.images += from.images;
    into.minibatches += from.minibatches;
    into.networksBuilt += from.networksBuilt;
    if (from.divergedStep >= 0 && (into.divergedStep < 0 || from.divergedStep < into.divergedStep)) {
      into.divergedStep = from.divergedStep;
      into.divergedLoss = from.divergedLoss;
    }
    for (int i = 0; i < into.sumNanos.length; i++) {
      into.sumNanos[i] += from.sumNanos[i];
      into.maxNanos[i] = Math.max(into.maxNanos[i], from.maxNanos[i]);
    }
    into.locations.putAll(from.locations);
    return into;
  }

  public INDArray params() {
    return params;
  }

  public INDArray updater() {
    return updater;
  }

  /** Workers whose parameters are in the sum. */
  public int workers() {
    return workers;
  }

  /** Workers whose parameters were summed in the driver's JVM instead ({@link InProcessExchange}). */
  public int summedInProcessCount() {
    return summedInProcess;
  }

  /** Mean of the contributing workers' last minibatch losses (in-process ones included); NaN when none contributed. */
  public double meanScore() {
    int n = workers + summedInProcess;
    return n == 0 ? Double.NaN : scoreSum / n;
  }

  public long images() {
    return images;
  }

  public int minibatches() {
    return minibatches;
  }

  public int networksBuilt() {
    return networksBuilt;
  }

  /** Step of the earliest non-finite loss, -1 when none. */
  public long divergedStep() {
    return divergedStep;
  }

  public String divergedLoss() {
    return divergedLoss;
  }

  public long sumNanos(Part p) {
    return sumNanos[p.ordinal()];
  }

  public long maxNanos(Part p) {
    return maxNanos[p.ordinal()];
  }

  /** Worker number to its Spark task location ({@code executor_<host>_<id>}). */
  public Map<Integer, String> locations() {
    return locations;
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    ArrayCodec.write(params, out);
    ArrayCodec.write(updater, out);
    serialized();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    params = ArrayCodec.read(in);
    updater = ArrayCodec.read(in);
  }

  /** Kryo's form: the small fields through Java serialization's field layout, the arrays in bulk. */
  public static final class KryoSerializer extends Serializer<WorkerResult> {
    @Override
    public void write(Kryo kryo, Output out, WorkerResult r) {
      out.writeInt(r.workers);
      out.writeDouble(r.scoreSum);
      out.writeLong(r.images);
      out.writeInt(r.minibatches);
      out.writeInt(r.networksBuilt);
      out.writeInt(r.summedInProcess);
      out.writeLong(r.divergedStep);
      out.writeString(r.divergedLoss);
      out.writeInt(r.sumNanos.length);
      out.writeLongs(r.sumNanos);
      out.writeLongs(r.maxNanos);
      out.writeInt(r.locations.size());
      r.locations.forEach((w, l) -> {
        out.writeInt(w);
        out.writeString(l);
      });
      ArrayCodec.write(r.params, out);
      ArrayCodec.write(r.updater, out);
      r.serialized();
    }

    @Override
    public WorkerResult read(Kryo kryo, Input in, Class<WorkerResult> type) {
      WorkerResult r = new WorkerResult();
      r.workers = in.readInt();
      r.scoreSum = in.readDouble();
      r.images = in.readLong();
      r.minibatches = in.readInt();
      r.networksBuilt = in.readInt();
      r.summedInProcess = in.readInt();
      r.divergedStep = in.readLong();
      r.divergedLoss = in.readString();
      int parts = in.readInt();
      if (parts != Part.values().length) {
        throw new com.esotericsoftware.kryo.KryoException("a worker result with " + parts + " timed parts, this version"
            + " has " + Part.values().length + ": driver and executors run different mishbench versions");
      }
      r.sumNanos = in.readLongs(parts);
      r.maxNanos = in.readLongs(parts);
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        int w = in.readInt();
        r.locations.put(w, in.readString());
      }
      r.params = ArrayCodec.read(in);
      r.updater = ArrayCodec.read(in);
      return r;
    }
  }
}
