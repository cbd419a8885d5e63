/**
 * The model zoo: {@link io.mishbench.model.ModelSpec} describes a network (family, activation, input,
 * classes, width and depth multipliers) and {@link io.mishbench.model.ModelZoo} builds it as a DL4J
 * ComputationGraph. Blocks shared between families live in {@link io.mishbench.model.Blocks}.
 *
 * <p>Training hyper-parameters other than the updater and the seed do not live here.
 */
package io.mishbench.model;
