package io.mishbench.train;

import io.mishbench.results.RunResult;

/** Told after every finished epoch of a run, and inside epochs, e.g. to print progress. */
@FunctionalInterface
public interface RunProgress {

  /** Prints nothing. */
  RunProgress NONE = (run, epochs) -> {};

  /**
   * @param run the run's record after the epoch (status RUNNING, its last epoch the one just finished)
   * @param epochs the epochs the run will train in all
   */
  void epochDone(RunResult run, int epochs);

  /** Inside an epoch, at least every minute and every few averaging rounds ({@link TrainingProgress}). */
  default void roundDone(TrainingProgress.Round round) {}
}
