package io.mishbench.train;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * SGD with classical (heavy-ball) momentum, as Darknet and PyTorch's {@code SGD(momentum=m)} do it:
 * {@code v = m v + g; w -= lr v}. DL4J has only plain {@code Sgd} and {@code Nesterovs}. With
 * momentum 0 this is plain SGD and keeps no state.
 */
public final class MomentumSgd implements IUpdater {

  @JsonProperty private final double learningRate;
  @JsonProperty private final ISchedule schedule;
  @JsonProperty private final double momentum;

  /**
   * @param learningRate used when {@code schedule} is null
   * @param schedule the learning rate per step, or null for a constant rate
   * @param momentum in [0, 1)
   */
  @JsonCreator
  public MomentumSgd(
      @JsonProperty("learningRate") double learningRate,
      @JsonProperty("schedule") ISchedule schedule,
      @JsonProperty("momentum") double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.learningRate = learningRate;
    this.schedule = schedule;
    this.momentum = momentum;
  }

  public double momentum() {
    return momentum;
  }

  @Override
  public long stateSize(long numParams) {
    return momentum == 0 ? 0 : numParams;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    Updater u = new Updater(this);
    if (momentum != 0) {
      u.setStateViewArray(viewArray, viewArray.shape(), 'c', initializeViewArray);
    }
    return u;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    Updater u = new Updater(this);
    u.setState(state, initializeStateArrays);
    return u;
  }

  @Override
  public IUpdater clone() {
    return new MomentumSgd(learningRate, schedule == null ? null : schedule.clone(), momentum);
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return schedule == null ? learningRate : schedule.valueAt(iteration, epoch);
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
    throw new UnsupportedOperationException("MomentumSgd is immutable: build a new one");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MomentumSgd m && m.learningRate == learningRate && m.momentum == momentum
        && Objects.equals(m.schedule, schedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(learningRate, schedule, momentum);
  }

  @Override
  public String toString() {
    return "MomentumSgd(lr=" + (schedule == null ? learningRate : schedule) + ", momentum=" + momentum + ")";
  }

  /** The per-parameter-block state: the velocity {@code V}. */
  private static final class Updater implements GradientUpdater<MomentumSgd> {
    private static final String V = "V";
    private final MomentumSgd config;
    private INDArray v;

    Updater(MomentumSgd config) {
      this.config = config;
    }

    @Override
    public MomentumSgd getConfig() {
      return config;
    }

    @Override
    public void setState(Map<String, INDArray> state, boolean initialize) {
      if (config.momentum == 0) {
        return;
      }
      if (state == null || !state.containsKey(V)) {
        throw new IllegalStateException("MomentumSgd state needs '" + V + "', got " + (state == null ? null : state.keySet()));
      }
      v = state.get(V);
      if (initialize) {
        v.assign(0);
      }
    }

    @Override
    public Map<String, INDArray> getState() {
      return v == null ? Map.of() : Map.of(V, v);
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char order, boolean initialize) {
      if (config.momentum == 0) {
        return;
      }
      if (initialize) {
        viewArray.assign(0);
      }
      v = viewArray.reshape(order, gradientShape);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
      double lr = config.getLearningRate(iteration, epoch);
      if (config.momentum == 0) {
        gradient.muli(lr);
        return;
      }
      v.muli(config.momentum).addi(gradient);
      gradient.assign(v).muli(lr);
    }
  }
}
