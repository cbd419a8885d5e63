/**
 * Headless PNG charts drawn with plain Java2D ({@link io.mishbench.plot.Chart}): axes with "nice"
 * ticks, a grid, a palette and PNG encoding, shared by the activation plot and the aggregate's plots.
 *
 * <p>What is drawn (curves, bars, legends) lives with the code that owns the data, not here.
 */
package io.mishbench.plot;
