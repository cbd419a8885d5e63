package io.mishbench.averaging;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the driver broadcasts at the start of an averaging round: the averaged parameters, the
 * averaged updater state (null when the updater keeps none), and the step and epoch counters the
 * workers' learning-rate schedule and updater read. Both Java serialization and Kryo write the
 * arrays through {@link ArrayCodec}.
 */
public final class RoundState implements Serializable {

  private static final long serialVersionUID = 1L;

  private transient INDArray params;
  private transient INDArray updater;
  private long iteration;
  private int epoch;

  public RoundState(INDArray params, INDArray updater, long iteration, int epoch) {
    this.params = params;
    this.updater = updater;
    this.iteration = iteration;
    this.epoch = epoch;
  }

  public INDArray params() {
    return params;
  }

  public INDArray updater() {
    return updater;
  }

  public long iteration() {
    return iteration;
  }

  public int epoch() {
    return epoch;
  }

  /** Bytes of the two arrays. */
  public long payloadBytes() {
    return bytes(params) + bytes(updater);
  }

  static long bytes(INDArray a) {
    return a == null ? 0 : a.length() * a.dataType().width();
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    ArrayCodec.write(params, out);
    ArrayCodec.write(updater, out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    params = ArrayCodec.read(in);
    updater = ArrayCodec.read(in);
  }

  /** Kryo's form: the counters, then both arrays in bulk. */
  public static final class KryoSerializer extends Serializer<RoundState> {
    @Override
    public void write(Kryo kryo, Output output, RoundState s) {
      output.writeLong(s.iteration);
      output.writeInt(s.epoch);
      ArrayCodec.write(s.params, output);
      ArrayCodec.write(s.updater, output);
    }

    @Override
    public RoundState read(Kryo kryo, Input input, Class<RoundState> type) {
      long iteration = input.readLong();
      int epoch = input.readInt();
      INDArray p = ArrayCodec.read(input);
      INDArray u = ArrayCodec.read(input);
      return new RoundState(p, u, iteration, epoch);
    }
  }
}
