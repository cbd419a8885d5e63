/**
 * Reading config files, shared by every command that takes one (experiment, robustness, landscape):
 * {@link io.mishbench.config.ConfigFile} (HOCON from a path or Hadoop URI, required includes,
 * {@code --set key=value} overrides, substitutions that must resolve),
 * {@link io.mishbench.config.ConfigReader} (keys over defaults, unknown keys, every problem collected
 * with its key path and thrown at once as {@link io.mishbench.config.ConfigValidationException}), and
 * the rules with one meaning each: {@link io.mishbench.config.IntRange} (closed),
 * {@link io.mishbench.config.Interval} (each end named open or closed) and
 * {@link io.mishbench.config.Checks} (non-empty, distinct, one of).
 *
 * <p>What a config means lives with its records: {@code train.ExperimentConfig} (read by
 * {@code train.ConfigLoader}), {@code eval.RobustnessConfig}, {@code eval.LandscapeSettings};
 * each record checks its own ranges in its compact constructor with the constants the reader applies
 * to the keys. Nothing here knows a command's keys, touches Spark or reads data.
 */
package io.mishbench.config;
