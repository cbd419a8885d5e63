package io.mishbench.model;

/**
 * Scaled-down networks for small inputs (28-64 px), used by the quickstart until it trains scaled
 * zoo models: a 3x3 stride-2 stem and two stages of 32 and 64 channels (at width 1), CSP stages for
 * {@code tinycsp} and plain residual stages for {@code tinyresnet}.
 */
final class TinyNets implements ModelFamily {

  private final boolean csp;

  TinyNets(boolean csp) {
    this.csp = csp;
  }

  @Override
  public int downsampling() {
    return 8;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    String x = blocks.convBnAct("stem", input, spec.channels(16), 3, 2);
    if (csp) {
      x = blocks.cspStage("stage1", x, spec.channels(32), spec.blocks(1));
      return blocks.cspStage("stage2", x, spec.channels(64), spec.blocks(1));
    }
    x = blocks.resStage("stage1", x, spec.channels(32), spec.blocks(1));
    return blocks.resStage("stage2", x, spec.channels(64), spec.blocks(1));
  }
}
