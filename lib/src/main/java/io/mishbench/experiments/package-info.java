/**
 * The Mish paper's experiments besides the comparison table:
 * robustness ({@link io.mishbench.experiments.RobustnessExperiment}: depth sweep, Gaussian input noise, FGSM
 * and PGD), which trains plain single-process DL4J networks on Fashion-MNIST and keeps them as runs of
 * the results store ({@link io.mishbench.experiments.NetworkRuns}), and landscapes
 * ({@link io.mishbench.experiments.LandscapeRunner}: the output landscape of a random MLP, the
 * filter-normalised loss landscape of trained networks, trained runs recorded in the same store).
 * Nothing here starts Spark.
 */
package io.mishbench.experiments;
