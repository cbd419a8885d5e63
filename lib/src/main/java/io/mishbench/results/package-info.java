/**
 * Results: the record of one run ({@link io.mishbench.results.RunResult}, with provenance), the
 * results store on any Hadoop FileSystem ({@link io.mishbench.results.ResultsStore}), the life of a
 * run in it, the same for every trainer ({@link io.mishbench.results.RunRecorder}: reuse, quarantine,
 * RUNNING to COMPLETE, DIVERGED or FAILED, {@link io.mishbench.results.Checkpoints}, model.zip), and the
 * aggregate ({@link io.mishbench.results.Aggregator}): the comparison table in the paper's layout
 * ({@link io.mishbench.results.ComparisonTable}), paired differences with Student's t intervals,
 * plots, flat run and epoch tables (CSV, Parquet), the paper's published numbers and report.html.
 *
 * <p>Training and Spark do not live here: the trainers (Spark's in {@code train}, the experiments'
 * in-process ones) call the recorder; the store and the aggregate are plain file I/O. Chart
 * drawing lives in {@code io.mishbench.plot}.
 */
package io.mishbench.results;
