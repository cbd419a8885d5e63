/**
 * Command-line entry points: {@link io.mishbench.jobs.Main} and one picocli command per subcommand of
 * the command-line contract. Each parses options, validates input before Spark starts, calls one
 * {@code lib} entry point and returns an exit code. No training, data or results logic lives here.
 */
package io.mishbench.jobs;
