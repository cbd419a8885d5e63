/**
 * Results: the record of one run ({@link io.mishbench.results.RunResult}, with provenance), the
 * results store on any Hadoop FileSystem ({@link io.mishbench.results.ResultsStore}) and the
 * comparison table in the paper's layout ({@link io.mishbench.results.ComparisonTable}).
 *
 * <p>Training and Spark do not live here: the store is plain file I/O.
 */
package io.mishbench.results;
