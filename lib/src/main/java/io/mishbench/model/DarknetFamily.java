package io.mishbench.model;

/**
 * DarkNet-53 and CSPDarkNet-53, the classification backbones of the CSPNet paper's ImageNet table.
 *
 * <p>Both start with a 3x3 stride-1 convolution of 32 channels and then have five stages of 1, 2, 8,
 * 8 and 4 residual blocks, each stage opened by a 3x3 stride-2 convolution to 64, 128, 256, 512 and
 * 1024 channels. Every convolution is Darknet's {@code [convolutional] batch_normalize=1} (no bias,
 * batch norm, activation) and every {@code [shortcut]} is a linear addition between tensors of equal
 * channel count, so no partial-channel shortcut is needed.
 *
 * <ul>
 *   <li>{@code darknet53} follows AlexeyAB/darknet {@code cfg/darknet53.cfg} (identical layers to
 *       WongKinYiu/CrossStagePartialNetworks {@code cfg/darknet53.cfg}): a block is a 1x1 convolution to
 *       half the stage's channels, a 3x3 convolution back, and the addition.</li>
 *   <li>{@code cspdarknet53} follows WongKinYiu/CrossStagePartialNetworks {@code cfg/csdarknet53.cfg},
 *       the cfg its README links for 27.61M / 13.07 BFLOPs ({@code csdarknet53-omega.cfg} has the same
 *       layers, with Mish and CutMix/Mosaic settings). After the down-sampling convolution two 1x1
 *       convolutions make the "part" carried across and the part that goes through the blocks; a 1x1
 *       transition ends the blocks, the two are concatenated (transition first, as the cfg's
 *       {@code [route] layers=-1,-N}) and a 1x1 convolution fuses them back to the stage's channels.
 *       The first stage differs from the others, as in the cfg: its parts keep all 64 channels and its
 *       block has a 32-channel bottleneck; later stages halve the parts and their blocks do not narrow.</li>
 * </ul>
 *
 * <p>The cfgs end with average pooling and a 1x1 convolution (with bias, no batch norm) to 1000
 * classes: {@link ModelZoo}'s dense classifier has the same weights, bias and multiply-accumulates, so
 * the body stops at the last stage. There is no deviation from the cfgs at width 1 and depth 1: weights
 * and multiply-accumulates equal the cfgs' layer by layer (DarknetFamilyTest checks the totals
 * exactly). With width and depth multipliers each channel count is scaled on its own through
 * {@link ModelSpec#channels}, so every layer keeps at least 4 channels.
 */
final class DarknetFamily implements ModelFamily {

  /** Base channels of the five stages, at width 1. */
  private static final int[] STAGE_CHANNELS = {64, 128, 256, 512, 1024};

  /** Residual blocks in each of the five stages, at depth 1. */
  private static final int[] STAGE_BLOCKS = {1, 2, 8, 8, 4};

  private final boolean csp;

  /** @param csp true for CSPDarkNet-53, false for DarkNet-53 */
  DarknetFamily(boolean csp) {
    this.csp = csp;
  }

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    String x = blocks.convBnAct("stem", input, spec.channels(32), 3, 1);
    for (int s = 0; s < STAGE_CHANNELS.length; s++) {
      String name = "stage" + (s + 1);
      int base = STAGE_CHANNELS[s];
      int n = spec.blocks(STAGE_BLOCKS[s]);
      if (!csp) {
        x = darkStage(blocks, name, x, spec.channels(base), spec.channels(base / 2), n);
      } else if (s == 0) {
        x = cspStage(blocks, name, x, spec.channels(base), spec.channels(base), spec.channels(base / 2), n);
      } else {
        int part = spec.channels(base / 2);
        x = cspStage(blocks, name, x, spec.channels(base), part, part, n);
      }
    }
    return x;
  }

  /** DarkNet-53's stage: 3x3 stride-2 convolution to {@code channels}, then bottleneck residual blocks. */
  private static String darkStage(Blocks blocks, String name, String input, int channels, int hidden, int n) {
    String x = blocks.convBnAct(name + "_down", input, channels, 3, 2);
    for (int i = 0; i < n; i++) {
      x = blocks.residual(name + "_res" + i, x, channels, hidden);
    }
    return x;
  }

  /**
   * CSPDarkNet-53's stage as {@code csdarknet53.cfg} writes it.
   *
   * @param channels output of the down-sampling and of the fusing convolution
   * @param part channels of the carried part, of the block path and of the transition
   * @param hidden bottleneck channels inside each residual block
   */
  private static String cspStage(
      Blocks blocks, String name, String input, int channels, int part, int hidden, int n) {
    String down = blocks.convBnAct(name + "_down", input, channels, 3, 2);
    String cross = blocks.convBnAct(name + "_cross", down, part, 1, 1);
    String x = blocks.convBnAct(name + "_split", down, part, 1, 1);
    for (int i = 0; i < n; i++) {
      x = blocks.residual(name + "_res" + i, x, part, hidden);
    }
    String transition = blocks.convBnAct(name + "_trans", x, part, 1, 1);
    String merged = blocks.concat(name + "_merge", transition, cross);
    return blocks.convBnAct(name + "_fuse", merged, channels, 1, 1);
  }
}
