/**
 * The activations compared by mishbench (Mish, Swish, LeakyReLU with Darknet's slope 0.1, ReLU) and
 * the registry that turns the names used in configs and on the command line into DL4J activations.
 *
 * <p>Models, data and training do not live here.
 */
package io.mishbench.activation;
