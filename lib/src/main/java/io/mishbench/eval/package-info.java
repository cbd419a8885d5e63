/**
 * Evaluation beyond DL4J's {@code Evaluation}: the validation loss computed alongside top-1/top-5 on
 * the executors, and the Mish paper's landscape experiment ({@link io.mishbench.eval.LandscapeRunner}:
 * the output landscape of a random MLP, the filter-normalised loss landscape of trained networks). The
 * landscape code reads Fashion-MNIST IDX files and model zips and trains small networks in this JVM;
 * nothing here starts Spark.
 */
package io.mishbench.eval;
