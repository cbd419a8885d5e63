package io.mishbench.train;

import io.mishbench.results.RunResult.Divergence;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Stops a run whose training loss is no longer finite. DL4J gives this listener to every
 * parameter-averaging worker; after each minibatch it checks the worker's loss, and on NaN or
 * infinity it reports {@code step:loss} to the driver through a Spark accumulator and throws, which
 * fails the epoch's Spark job at once instead of training NaN weights to the end of the epoch.
 * The driver then asks {@link #first} where it happened.
 */
public final class DivergenceGuard extends BaseTrainingListener implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  private final CollectionAccumulator<String> seen;

  /** A guard whose reports reach {@code sc}'s driver. */
  public DivergenceGuard(JavaSparkContext sc) {
    this.seen = sc.sc().collectionAccumulator("mishbench divergence");
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    double loss = model.score();
    if (!Double.isFinite(loss)) {
      seen.add(iteration + ":" + loss);
      throw new DivergedException(iteration, loss);
    }
  }

  /** Forgets earlier reports (call before each epoch). */
  public void reset() {
    seen.reset();
  }

  /** The earliest non-finite loss the workers reported during epoch {@code epoch}, or null. */
  public Divergence first(int epoch) {
    List<String> reports = seen.value();
    return reports.stream()
        .map(s -> new Divergence(epoch, Long.parseLong(s.substring(0, s.indexOf(':'))), s.substring(s.indexOf(':') + 1)))
        .min(Comparator.comparingLong(Divergence::step))
        .orElse(null);
  }

  /** Thrown on a worker to end the epoch's job; the driver reads the accumulator, not this. */
  public static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(long step, double loss) {
      super("training loss " + loss + " at step " + step + ": the run diverged");
    }
  }
}
