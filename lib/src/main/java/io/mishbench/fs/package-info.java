/**
 * Hadoop FileSystem helpers shared by the data pipeline and the results store: resolving
 * user-given paths to URIs, atomic writes (write aside, then rename) of small JSON and text files, and
 * the Hadoop configuration Spark would use ({@link io.mishbench.fs.HadoopFiles#configuration()}).
 *
 * <p>Nothing here knows about datasets, models or runs.
 */
package io.mishbench.fs;
