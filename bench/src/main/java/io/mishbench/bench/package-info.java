/**
 * Benchmark-only code, outside the library users depend on: {@link io.mishbench.bench.ActivationBenchmark}
 * (forward + backward of mishbench's and DL4J's activations), {@link io.mishbench.bench.AugmentBenchmark}
 * (decode, augment and mix on one thread), {@link io.mishbench.bench.GroupedConvBenchmark} (a training step
 * of grouped convolution: channel slices, the zoo's native layer, ungrouped),
 * {@link io.mishbench.bench.LocalFit} (one cell fitted in one process without Spark: the baseline of the
 * Spark-overhead table) and {@link io.mishbench.bench.JsonLine} (the bench commands' JSON lines, NaN-safe).
 * The jobs' {@code bench-*} commands call it; {@code lib} never does.
 */
package io.mishbench.bench;
