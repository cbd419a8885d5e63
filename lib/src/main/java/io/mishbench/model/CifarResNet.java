package io.mishbench.model;

/**
 * ResNet-20 for CIFAR (He et al., "Deep Residual Learning for Image Recognition", section 4.2): a
 * 3x3 convolution to 16 channels, three stages of {@code n} basic blocks (two 3x3 convolutions) at
 * 16, 32 and 64 channels on 32x32, 16x16 and 8x8 maps (n = 3 for ResNet-20), the first convolution of
 * the second and third stage of stride 2, and option A shortcuts: identity, sub-sampled by 2 and
 * zero-padded in channels where the shape changes (see {@link ResidualParts#endWithShortcut}, which
 * builds the zero padding exactly by splitting the branch's last convolution). 0.27M parameters at
 * 10 classes (268,336 weights). The activation replaces the paper's ReLU, after the addition as in
 * the paper.
 */
final class CifarResNet implements ModelFamily {

  private static final int[] WIDTHS = {16, 32, 64};

  private final int blocksPerStage;

  /** @param blocksPerStage the paper's n: 3 for ResNet-20 (depth 6n + 2) */
  CifarResNet(int blocksPerStage) {
    if (blocksPerStage < 1) {
      throw new IllegalArgumentException("blocks per stage must be >= 1, got " + blocksPerStage);
    }
    this.blocksPerStage = blocksPerStage;
  }

  /** 32x32 images end at 8x8. */
  @Override
  public int downsampling() {
    return 4;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    int channels = spec.channels(WIDTHS[0]);
    String x = blocks.convBnAct("stem", input, channels, 3, 1);
    for (int s = 0; s < WIDTHS.length; s++) {
      int width = spec.channels(WIDTHS[s]);
      for (int i = 0; i < spec.blocks(blocksPerStage); i++) {
        String name = "s" + (s + 1) + "b" + (i + 1);
        int stride = s > 0 && i == 0 ? 2 : 1;
        String a = blocks.convBnAct(name + "_a", x, width, 3, stride);
        x = ResidualParts.endWithShortcut(blocks, name, a, width, 3, x, channels, stride == 2);
        channels = width;
      }
    }
    return x;
  }
}
