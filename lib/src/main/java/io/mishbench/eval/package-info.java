/**
 * Evaluation beyond DL4J's {@code Evaluation}: the validation loss computed alongside top-1/top-5 on
 * the executors ({@link io.mishbench.eval.LossEvaluation}), and the Mish paper's robustness experiments
 * ({@link io.mishbench.eval.RobustnessExperiment}: depth sweep, Gaussian input noise, FGSM and PGD),
 * which train plain single-process DL4J networks on Fashion-MNIST and keep them as runs of the results
 * store ({@link io.mishbench.eval.NetworkRuns}). No Spark here; the landscape experiments will live here too.
 */
package io.mishbench.eval;
