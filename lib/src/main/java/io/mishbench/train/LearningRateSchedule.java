package io.mishbench.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate as a function of the global minibatch step, as a DL4J {@link ISchedule} (so it
 * travels inside the network configuration to every Spark worker and into checkpoints).
 *
 * <p>Steps are DL4J iteration counts. Under parameter averaging the master advances the count by
 * {@code averaging-frequency} per averaging round, so one epoch is {@code stepsPerEpoch = ceil(minibatches
 * per worker / averaging-frequency) x averaging-frequency} steps ({@link #stepsPerEpoch}). Kinds:
 * <ul>
 *   <li>{@code constant}: the base rate;
 *   <li>{@code step}: base x gamma^k after k of the milestone epochs have passed;
 *   <li>{@code cosine}: min + (base - min) (1 + cos(pi step / total)) / 2;
 *   <li>{@code poly}: base (1 - step / total)^power, Darknet's {@code policy=poly}.
 * </ul>
 * A warm-up of {@code warmupSteps} replaces the first steps with base (step / warmupSteps)^warmupPower,
 * Darknet's {@code burn_in} (power 4 there); Darknet's recipe is {@code poly} with a 1000-step warm-up.
 */
public final class LearningRateSchedule implements ISchedule {

  /** The schedule kinds, as written in experiment files. */
  public static final List<String> KINDS = List.of("constant", "step", "cosine", "poly");

  @JsonProperty private final String kind;
  @JsonProperty private final double base;
  @JsonProperty private final long stepsPerEpoch;
  @JsonProperty private final long totalSteps;
  @JsonProperty private final long warmupSteps;
  @JsonProperty private final double warmupPower;
  @JsonProperty private final int[] milestones;
  @JsonProperty private final double gamma;
  @JsonProperty private final double power;
  @JsonProperty private final double min;

  /**
   * @param kind one of {@link #KINDS}
   * @param base base learning rate, > 0
   * @param stepsPerEpoch DL4J steps per epoch, >= 1
   * @param totalSteps steps of the whole run, >= stepsPerEpoch
   * @param warmupSteps warm-up length in steps, >= 0
   * @param warmupPower warm-up exponent, > 0
   * @param milestones epochs (1-based, increasing) after which {@code step} multiplies by gamma
   * @param gamma step factor in (0, 1]
   * @param power poly exponent, > 0
   * @param min cosine floor in [0, base)
   */
  @JsonCreator
  public LearningRateSchedule(
      @JsonProperty("kind") String kind,
      @JsonProperty("base") double base,
      @JsonProperty("stepsPerEpoch") long stepsPerEpoch,
      @JsonProperty("totalSteps") long totalSteps,
      @JsonProperty("warmupSteps") long warmupSteps,
      @JsonProperty("warmupPower") double warmupPower,
      @JsonProperty("milestones") int[] milestones,
      @JsonProperty("gamma") double gamma,
      @JsonProperty("power") double power,
      @JsonProperty("min") double min) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown learning-rate schedule '" + kind + "'; known: " + KINDS);
    }
    if (!(base > 0) || stepsPerEpoch < 1 || totalSteps < stepsPerEpoch || warmupSteps < 0 || !(warmupPower > 0)
        || !(gamma > 0 && gamma <= 1) || !(power > 0) || !(min >= 0 && min < base)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "invalid schedule: base %s, steps/epoch %d, total %d, warm-up %d^%s, gamma %s, power %s, min %s",
          base, stepsPerEpoch, totalSteps, warmupSteps, warmupPower, gamma, power, min));
    }
    this.kind = kind;
    this.base = base;
    this.stepsPerEpoch = stepsPerEpoch;
    this.totalSteps = totalSteps;
    this.warmupSteps = warmupSteps;
    this.warmupPower = warmupPower;
    this.milestones = milestones == null ? new int[0] : milestones.clone();
    this.gamma = gamma;
    this.power = power;
    this.min = min;
  }

  /**
   * DL4J steps in one epoch of {@code minibatchesPerWorker} minibatches (the largest worker share)
   * averaged every {@code averagingFrequency}: the master counts every round as a full one.
   */
  public static long stepsPerEpoch(long minibatchesPerWorker, int averagingFrequency) {
    long rounds = Math.max(1, (minibatchesPerWorker + averagingFrequency - 1) / averagingFrequency);
    return rounds * averagingFrequency;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    return at(iteration);
  }

  /** The learning rate at global step {@code step} (0-based). */
  public double at(long step) {
    long s = Math.max(0, step);
    if (s < warmupSteps) {
      return base * Math.pow((double) s / warmupSteps, warmupPower);
    }
    double progress = Math.min(1.0, (double) s / totalSteps);
    return switch (kind) {
      case "constant" -> base;
      case "step" -> {
        long epochsDone = s / stepsPerEpoch;
        int passed = 0;
        for (int m : milestones) {
          if (epochsDone >= m) {
            passed++;
          }
        }
        yield base * Math.pow(gamma, passed);
      }
      case "cosine" -> min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
      case "poly" -> base * Math.pow(1 - progress, power);
      default -> throw new IllegalStateException(kind);
    };
  }

  /** The learning rate at the end of epoch {@code epoch} (1-based). */
  public double atEndOfEpoch(int epoch) {
    return at(epoch * stepsPerEpoch - 1);
  }

  @Override
  public ISchedule clone() {
    return new LearningRateSchedule(kind, base, stepsPerEpoch, totalSteps, warmupSteps, warmupPower, milestones, gamma,
        power, min);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LearningRateSchedule s && s.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "LearningRateSchedule(%s, base=%s, stepsPerEpoch=%d, totalSteps=%d, warmup=%d^%s, milestones=%s, gamma=%s,"
            + " power=%s, min=%s)",
        kind, base, stepsPerEpoch, totalSteps, warmupSteps, warmupPower, Arrays.toString(milestones), gamma, power, min);
  }
}
