package io.mishbench.model;

/**
 * CSPResNet-50 and CSPResNeXt-50 exactly as cfg/csresnet50.cfg and cfg/csresnext50.cfg of
 * WongKinYiu/CrossStagePartialNetworks define them (21.57M / 20.50M weights, 8.97 / 7.93 BFLOPs at
 * 256): 7x7 stride-2 convolution to 64 channels, 2x2 stride-2 max pool, then four cross-stage-partial
 * stages of 3, 3, 5, 2 bottlenecks with partial width p = 128, 256, 512, 1024. A stage:
 * <ol>
 *   <li>(stages 2-4) a 3x3 stride-2 convolution to p/2 channels (ResNet) or p in 32 groups (ResNeXt);
 *   <li>a 1x1 convolution to p, the part carried across the stage, and a 1x1 convolution to p (64 in
 *       the first stage), the part that goes through the blocks; the cfgs make both linear in stages
 *       2 and 3 and activated in stages 1 and 4, which is kept;
 *   <li>bottlenecks of 1x1 and 3x3 convolutions of width p/2 (ResNet) or p with 32 groups (ResNeXt)
 *       and a linear 1x1 convolution to p, plus a {@code [shortcut]} from the block input and the
 *       activation; the first stage's first shortcut has 64 channels and is added to the first 64
 *       only, as Darknet does ({@link ResidualParts#endWithShortcut}, exact);
 *   <li>a 1x1 transition to p, concatenated before the carried part (the cfg's route order), and a
 *       1x1 convolution to p (ResNet) or 2p (ResNeXt).
 * </ol>
 * Below width 1 the groups shrink to the largest divisor of the width up to 32.
 */
final class CspResNetFamily implements ModelFamily {

  private static final int[] BLOCKS = {3, 3, 5, 2};
  private static final int[] PARTIAL = {128, 256, 512, 1024};
  private static final int STEM = 64;

  private final boolean next;

  /** @param next ResNeXt bottlenecks (wide, grouped 3x3) instead of ResNet ones */
  CspResNetFamily(boolean next) {
    this.next = next;
  }

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    String x = blocks.convBnAct("stem", input, spec.channels(STEM), 7, 2);
    x = blocks.maxPool("stem_pool", x, 2, 2);
    int channels = spec.channels(STEM);
    for (int s = 0; s < PARTIAL.length; s++) {
      x = stage(blocks, spec, "s" + (s + 1), x, channels, s);
      channels = fused(spec, s);
    }
    return x;
  }

  /** Stage {@code s} (0-based) from {@code x}, {@code inChannels} deep; returns its fused output. */
  private String stage(Blocks blocks, ModelSpec spec, String name, String x, int inChannels, int s) {
    int partial = spec.channels(PARTIAL[s]);
    int hidden = spec.channels(next ? PARTIAL[s] : PARTIAL[s] / 2);
    if (s > 0) {
      // the cfgs down-sample to the bottleneck width: p/2 for ResNet, p for ResNeXt
      x = conv3x3(blocks, name + "_down", x, inChannels, hidden, 2);
    }
    boolean linear = s == 1 || s == 2;
    String cross = linear ? blocks.convBn(name + "_cross", x, partial, 1, 1)
        : blocks.convBnAct(name + "_cross", x, partial, 1, 1);
    int channels = s == 0 ? spec.channels(STEM) : partial;
    String y = linear ? blocks.convBn(name + "_main", x, channels, 1, 1)
        : blocks.convBnAct(name + "_main", x, channels, 1, 1);
    for (int i = 0; i < spec.blocks(BLOCKS[s]); i++) {
      String block = name + "b" + (i + 1);
      String a = blocks.convBnAct(block + "_a", y, hidden, 1, 1);
      String b = conv3x3(blocks, block + "_b", a, hidden, hidden, 1);
      y = ResidualParts.endWithShortcut(blocks, block, b, partial, 1, y, channels, false);
      channels = partial;
    }
    String transition = blocks.convBnAct(name + "_trans", y, partial, 1, 1);
    String merged = blocks.concat(name + "_merge", transition, cross);
    return blocks.convBnAct(name + "_fuse", merged, fused(spec, s), 1, 1);
  }

  /** Channels out of stage {@code s}: p for ResNet, 2p for ResNeXt. */
  private int fused(ModelSpec spec, int s) {
    return spec.channels(next ? 2 * PARTIAL[s] : PARTIAL[s]);
  }

  /** The 3x3 convolution with activation: grouped for ResNeXt, plain for ResNet. */
  private String conv3x3(Blocks blocks, String name, String x, int in, int out, int stride) {
    if (next) {
      return blocks.groupedConvBnAct(name, x, in, out, 3, stride, ResidualParts.groups(in, out));
    }
    return blocks.convBnAct(name, x, out, 3, stride);
  }
}
