package io.mishbench.model;

/**
 * ResNet-50 as torchvision builds it (torchvision/models/resnet.py, "ResNet v1.5"): 7x7/2 stem with
 * 64 channels and a 3x3/2 max pool, then bottleneck stages of 3, 4, 6 and 3 blocks of widths 64, 128,
 * 256 and 512 (expansion 4), the stride on each stage's first 3x3 convolution, a 1x1 convolution +
 * batch norm projection on each stage's first shortcut, and the activation after the addition. At
 * width and depth 1 it has torchvision's 25,502,912 convolution and classifier weights.
 */
final class TorchvisionResNet implements ModelFamily {

  private static final int[] BLOCKS = {3, 4, 6, 3};
  private static final int[] WIDTHS = {64, 128, 256, 512};
  private static final int EXPANSION = 4;

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    String x = blocks.convBnAct("stem", input, spec.channels(64), 7, 2);
    x = blocks.maxPool("stem_pool", x, 3, 2);
    for (int stage = 0; stage < BLOCKS.length; stage++) {
      int width = spec.channels(WIDTHS[stage]);
      int out = width * EXPANSION;
      for (int b = 0; b < spec.blocks(BLOCKS[stage]); b++) {
        String name = "s" + (stage + 1) + "b" + b;
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String shortcut = b == 0 ? blocks.convBn(name + "_proj", x, out, 1, stride) : x;
        String y = blocks.convBnAct(name + "_a", x, width, 1, 1);
        y = blocks.convBnAct(name + "_b", y, width, 3, stride);
        y = blocks.convBn(name + "_c", y, out, 1, 1);
        x = blocks.addAct(name + "_out", y, shortcut);
      }
    }
    return x;
  }
}
