/**
 * Evaluation beyond DL4J's {@code Evaluation}: the validation loss computed alongside top-1/top-5 on
 * the executors. The robustness and landscape experiments of the Mish paper will live here too.
 * Nothing here starts Spark or reads datasets.
 */
package io.mishbench.eval;
