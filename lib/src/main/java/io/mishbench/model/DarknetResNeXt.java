package io.mishbench.model;

/**
 * ResNeXt-50 (32x4d) in its Darknet form, cfg/resnext50.cfg of pjreddie/darknet (the same file in
 * WongKinYiu/CrossStagePartialNetworks, the CSPNet paper's baseline: 22.19M weights, 10.11 BFLOPs at
 * 256): 7x7 stride-2 convolution to 64 channels, 2x2 stride-2 max pool, four stages of 3, 4, 6, 3
 * blocks of 1x1 convolution, 3x3 convolution in 32 groups (stride 2 in a stage's first block), linear
 * 1x1 convolution to twice the block width (blocks 128, 256, 512, 1024 wide), and a
 * {@code [shortcut]} from the block's input with the activation after it.
 *
 * <p>There are no projection shortcuts: where the input has fewer channels or twice the size, Darknet
 * adds it, sub-sampled, to the first channels only ({@link ResidualParts#endWithShortcut}, exact).
 * Below width 1 the groups shrink to the largest divisor of the width up to 32.
 */
final class DarknetResNeXt implements ModelFamily {

  private static final int[] BLOCKS = {3, 4, 6, 3};

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    int channels = spec.channels(64);
    String x = blocks.convBnAct("stem", input, channels, 7, 2);
    x = blocks.maxPool("stem_pool", x, 2, 2);
    for (int s = 0; s < BLOCKS.length; s++) {
      int width = spec.channels(128 << s);
      int out = spec.channels(256 << s);
      for (int i = 0; i < spec.blocks(BLOCKS[s]); i++) {
        String name = "s" + (s + 1) + "b" + (i + 1);
        int stride = s > 0 && i == 0 ? 2 : 1;
        String a = blocks.convBnAct(name + "_a", x, width, 1, 1);
        String b = blocks.groupedConvBnAct(name + "_b", a, width, width, 3, stride, ResidualParts.groups(width, width));
        x = ResidualParts.endWithShortcut(blocks, name, b, out, 1, x, channels, stride == 2);
        channels = out;
      }
    }
    return x;
  }
}
