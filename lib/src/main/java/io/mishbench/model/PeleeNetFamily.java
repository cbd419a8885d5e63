package io.mishbench.model;

/**
 * PeleeNet (Wang, Li and Ling, "Pelee: A Real-Time Object Detection System on Mobile Devices",
 * NeurIPS 2018) and a cross-stage-partial variant, CSPPeleeNet (Wang et al., CSPNet, 2019).
 *
 * <p><b>peleenet</b> follows the authors' PyTorch definition, {@code peleenet.py} in
 * github.com/Robert-JunWang/PeleeNet (its {@code caffe/build_peleenet.py} builds the same layers):
 * a stem block (3x3/2 convolution to 32; a 1x1 16 then 3x3/2 32 branch beside a 2x2/2 max-pool;
 * concatenation; 1x1 to 32), then four stages of 3, 4, 8 and 6 two-way dense layers with growth
 * rate 32 and bottleneck widths 1, 2, 4, 4, each stage closed by a 1x1 transition that keeps its
 * channels (128, 256, 512, 704) and, except after the last, a 2x2/2 average pool. A dense layer's
 * two branches (1x1 then 3x3; 1x1 then two 3x3) each add growth/2 channels, concatenated to its
 * input; the 1x1 bottleneck has {@code (growth/2 * width / 4) * 4} channels, cut to
 * {@code (in / 8) * 4} when that exceeds half the layer's input, exactly as {@code _DenseLayer}
 * does. At 1000 classes it has 2,791,520 convolution and classifier weights (published 2.79M) and
 * 507.76M multiply-accumulates at 224 (published 508M); 663.0M at 256. The CSPNet README's 1.017
 * BFLOPs for PeleeNet is twice the 224 figure, not a 256 one.
 *
 * <p><b>csppeleenet</b>: no public definition reproduces the CSPNet README's 2.83M weights and
 * 0.888 BFLOPs (its PeleeNet row, 1.017, is a 224 figure, so 0.888 is read at 224 as well). This
 * family builds each stage as a cross-stage-partial dense block with CSPNet's "fusion first"
 * transition (CSPNet paper, figure 3c): the stage input of {@code n} channels is projected by two
 * 1x1 convolutions to {@code n/2} channels each (the way Darknet's CSP cfgs and
 * {@link Blocks#cspStage} split, since {@link Blocks} offers no channel slice); the dense layers
 * grow one half, the other half is concatenated after them, and the stage's 1x1 transition (and
 * average pool) follows, so stage widths stay PeleeNet's. Counts at 1000 classes: 2,788,448 weights
 * (-1.47% of 2.83M), 488.49M MACs at 224 = 0.977 BFLOPs (+10.0% of 0.888), 637.81M MACs at 256.
 * Constructions considered (weights, BFLOPs at 224): an exact channel split with CSPDenseNet's two
 * transitions, 2.84M and 1.107 (more than PeleeNet itself); an exact split with fusion first, 2.44M
 * and 0.894; 1x1 projections with both transitions ({@link Blocks#cspStage}'s shape), 3.19M and
 * 1.191. The chosen one is the only one near both published numbers.
 *
 * <p>Width scales the stem, the growth rate and so every stage (each branch keeps at least 2
 * channels, each bottleneck at least 4); depth scales the dense layers per stage. Input resolution
 * is divided by 32. Batch norm follows every convolution and the spec's activation every batch norm,
 * as in the reference code (whose ReLU the activation replaces).
 */
final class PeleeNetFamily implements ModelFamily {

  private static final int STEM = 32;
  private static final int GROWTH = 32;
  private static final int[] LAYERS = {3, 4, 8, 6};
  private static final int[] BOTTLENECK_WIDTH = {1, 2, 4, 4};

  private final boolean csp;

  /** @param csp true for csppeleenet's cross-stage-partial stages, false for PeleeNet */
  PeleeNetFamily(boolean csp) {
    this.csp = csp;
  }

  @Override
  public int downsampling() {
    return 32;
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    int channels = spec.channels(STEM);
    String x = stem(blocks, spec, input, channels);
    int branch = spec.channels(GROWTH) / 2;
    for (int s = 0; s < LAYERS.length; s++) {
      String name = "s" + (s + 1);
      int layers = spec.blocks(LAYERS[s]);
      int grown;
      if (csp) {
        int cross = channels / 2;
        String kept = blocks.convBnAct(name + "_cross", x, cross, 1, 1);
        String part = blocks.convBnAct(name + "_part", x, channels - cross, 1, 1);
        String dense = denseBlock(blocks, name, part, channels - cross, layers, branch, BOTTLENECK_WIDTH[s]);
        x = blocks.concat(name + "_merge", dense, kept);
      } else {
        x = denseBlock(blocks, name, x, channels, layers, branch, BOTTLENECK_WIDTH[s]);
      }
      channels += layers * 2 * branch;
      x = blocks.convBnAct(name + "_trans", x, channels, 1, 1);
      if (s < LAYERS.length - 1) {
        x = blocks.avgPool(name + "_pool", x, 2, 2);
      }
    }
    return x;
  }

  /**
   * Pelee's stem: 3x3/2 convolution, then a 1x1 (half width) and 3x3/2 branch beside a 2x2/2 max
   * pool, concatenated (pool first) and fused by a 1x1 convolution; stride 4 in all.
   */
  private static String stem(Blocks blocks, ModelSpec spec, String input, int channels) {
    String stem1 = blocks.convBnAct("stem1", input, channels, 3, 2);
    String branch = blocks.convBnAct("stem2a", stem1, spec.channels(STEM / 2), 1, 1);
    branch = blocks.convBnAct("stem2b", branch, channels, 3, 2);
    String pool = blocks.maxPool("stem_pool", stem1, 2, 2);
    return blocks.convBnAct("stem3", blocks.concat("stem_cat", pool, branch), channels, 1, 1);
  }

  /**
   * {@code layers} two-way dense layers on an input of {@code in} channels; each adds
   * {@code 2 * branch} channels.
   */
  private static String denseBlock(Blocks blocks, String name, String input, int in, int layers, int branch,
      int bottleneckWidth) {
    String x = input;
    for (int l = 0; l < layers; l++) {
      x = denseLayer(blocks, name + "l" + (l + 1), x, in + l * 2 * branch, branch, bottleneckWidth);
    }
    return x;
  }

  /**
   * One two-way dense layer: a 1x1 bottleneck then 3x3 branch, and a 1x1 bottleneck then two 3x3
   * branch (a 5x5 receptive field), each of {@code branch} channels, concatenated after the input.
   */
  private static String denseLayer(Blocks blocks, String name, String input, int in, int branch,
      int bottleneckWidth) {
    int inter = bottleneck(in, branch, bottleneckWidth);
    String b1 = blocks.convBnAct(name + "_b1a", input, inter, 1, 1);
    b1 = blocks.convBnAct(name + "_b1b", b1, branch, 3, 1);
    String b2 = blocks.convBnAct(name + "_b2a", input, inter, 1, 1);
    b2 = blocks.convBnAct(name + "_b2b", b2, branch, 3, 1);
    b2 = blocks.convBnAct(name + "_b2c", b2, branch, 3, 1);
    return blocks.concat(name + "_cat", input, b1, b2);
  }

  /**
   * The reference's bottleneck width: {@code branch * width} rounded down to a multiple of 4, cut to
   * {@code (in / 8) * 4} when it exceeds half the input; at least 4 so that scaled-down networks keep
   * every layer (never binding at width 1, where the smallest is 8).
   */
  static int bottleneck(int in, int branch, int bottleneckWidth) {
    int inter = branch * bottleneckWidth / 4 * 4;
    if (2 * inter > in) {
      inter = in / 8 * 4;
    }
    return Math.max(4, inter);
  }
}
