/**
 * Synchronous parameter averaging on Spark's own primitives: {@link io.mishbench.averaging.AveragingMaster}
 * runs the rounds (the state out, F minibatches per worker, the mean back) over one of three exchanges:
 * memory in local mode ({@link io.mishbench.averaging.InProcessExchange}), a TCP ring inside one barrier
 * stage per epoch ({@link io.mishbench.averaging.EpochTask}, {@link io.mishbench.averaging.Ring},
 * {@link io.mishbench.averaging.DriverLink}), or one Spark job per round
 * ({@link io.mishbench.averaging.RoundTask}). The round's payloads and their codec
 * ({@link io.mishbench.averaging.RoundState}, {@link io.mishbench.averaging.WorkerResult},
 * {@link io.mishbench.averaging.ArrayCodec}), the per-round timeline and the cost model
 * ({@link io.mishbench.averaging.AveragingCostModel}, fed by {@link io.mishbench.averaging.LinkProbe}) live
 * here too.
 *
 * <p>Nothing here knows experiments or configs: {@code train} builds the master and feeds it minibatches.
 */
package io.mishbench.averaging;
