/**
 * Experiments and training: {@link io.mishbench.train.ExperimentConfig} (HOCON parsed into validated
 * records), Spark parameter-averaging training of one run ({@link io.mishbench.train.SparkTrainer}),
 * its validation loss ({@link io.mishbench.train.LossEvaluation}, also used by the experiments),
 * the benchmark grid ({@link io.mishbench.train.BenchmarkRunner}) and the Spark setup they share
 * (Kryo serialization of ND4J arrays, and the Spark plugins: {@link io.mishbench.train.GpuPlugin}, which
 * binds each task thread to the GPU Spark assigned to it through {@link io.mishbench.train.GpuBinding};
 * {@link io.mishbench.train.Nd4jBinaryPlugin}, with which each executor picks its ND4J CPU build;
 * {@link io.mishbench.train.MetricsPlugin}, the training metrics in Spark's metrics system). Inside an
 * epoch {@link io.mishbench.train.TrainingProgress} reports averaging rounds; config files are read
 * through {@code io.mishbench.config}.
 *
 * <p>Model construction and datasets live in {@code model} and {@code data}; results in {@code results}.
 */
package io.mishbench.train;
