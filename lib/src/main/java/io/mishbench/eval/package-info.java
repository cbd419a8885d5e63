/**
 * Evaluation beyond DL4J's {@code Evaluation}: the validation loss computed alongside top-1/top-5 on
 * the executors ({@link io.mishbench.eval.LossEvaluation}), and the Mish paper's other experiments:
 * robustness ({@link io.mishbench.eval.RobustnessExperiment}: depth sweep, Gaussian input noise, FGSM
 * and PGD), which trains plain single-process DL4J networks on Fashion-MNIST and keeps them as runs of
 * the results store ({@link io.mishbench.eval.NetworkRuns}), and landscapes
 * ({@link io.mishbench.eval.LandscapeRunner}: the output landscape of a random MLP, the
 * filter-normalised loss landscape of trained networks, trained runs recorded in the same store).
 * Nothing here starts Spark.
 */
package io.mishbench.eval;
