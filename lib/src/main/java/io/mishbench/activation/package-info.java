/**
 * The activations compared by mishbench (Mish, Swish, LeakyReLU with Darknet's slope 0.1, ReLU) as
 * numerically stable DL4J activations ({@link io.mishbench.activation.StableActivation}), the
 * registry that turns the names used in configs and on the command line into them, the kernels they
 * run on (Vector API for float32, scalar double, ND4J operations for device memory), and the curve
 * sampling, plotting and micro-benchmark behind the {@code activations} and {@code bench-activations}
 * commands.
 *
 * <p>Models, data and training do not live here.
 */
package io.mishbench.activation;
