package io.mishbench.model;

/**
 * ResNet-50 as torchvision builds it (pytorch/vision torchvision/models/resnet.py, {@code resnet50}:
 * bottleneck v1.5): 7x7 stride-2 convolution to 64 channels, 3x3 stride-2 max pool, four stages of
 * 3, 4, 6, 3 bottlenecks (1x1, 3x3, 1x1 to 4x the width; widths 64, 128, 256, 512) with the stride
 * of a stage's first block in its 3x3 convolution, and a projection shortcut (1x1 convolution of that
 * stride, batch norm) in each stage's first block; the activation follows the addition. 25,502,912
 * weights at 1000 classes (25,557,032 parameters in PyTorch's count).
 *
 * <p>Deviation: {@link Blocks#maxPool} pads 'Same', one pixel after the image, where torchvision pads
 * one pixel on each side; the pooling windows are one pixel apart, the shapes and counts are equal.
 */
final class ResNetFamily implements ModelFamily {

  private static final int[] BLOCKS = {3, 4, 6, 3};
  private static final int EXPANSION = 4;

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    String x = blocks.convBnAct("stem", input, spec.channels(64), 7, 2);
    x = blocks.maxPool("stem_pool", x, 3, 2);
    for (int s = 0; s < BLOCKS.length; s++) {
      int width = spec.channels(64 << s);
      int out = spec.channels((64 << s) * EXPANSION);
      for (int i = 0; i < spec.blocks(BLOCKS[s]); i++) {
        x = bottleneck(blocks, "s" + (s + 1) + "b" + (i + 1), x, width, out, s > 0 && i == 0 ? 2 : 1, i == 0);
      }
    }
    return x;
  }

  /** One torchvision Bottleneck; {@code project} adds the 1x1 convolution + batch norm shortcut. */
  private static String bottleneck(Blocks blocks, String name, String x, int width, int out, int stride, boolean project) {
    String a = blocks.convBnAct(name + "_a", x, width, 1, 1);
    String b = blocks.convBnAct(name + "_b", a, width, 3, stride);
    String c = blocks.convBn(name + "_c", b, out, 1, 1);
    String shortcut = project ? blocks.convBn(name + "_proj", x, out, 1, stride) : x;
    return blocks.act(name + "_out", blocks.add(name + "_add", c, shortcut));
  }
}
