package io.mishbench.model;

/**
 * Pieces the residual families ({@link CifarResNet}, {@link DarknetResNeXt}, {@link CspResNetFamily})
 * share, built from {@link Blocks} alone: the end of a residual branch with a parameter-free shortcut
 * between tensors of different shapes, and the cardinality of a grouped convolution at reduced width.
 */
final class ResidualParts {

  /** ResNeXt's cardinality at width 1. */
  static final int CARDINALITY = 32;

  private ResidualParts() {}

  /**
   * Ends a residual branch: a linear convolution ({@code kernel}, stride 1, batch norm, no activation)
   * of {@code branchInput} to {@code nOut} channels, plus the shortcut {@code from}, then the
   * activation. The shortcut is parameter-free as Darknet's {@code [shortcut]} (pjreddie/darknet
   * src/blas.c {@code shortcut_cpu}, the code the Darknet ResNeXt and CSP weights were trained with)
   * and He et al.'s option A are: when {@code subsample} it is first taken at every second pixel
   * (a 1x1 max pool of stride 2, which reads pixels 0, 2, 4, ... like Darknet's stride and
   * {@code x[:, :, ::2, ::2]}), and when it has fewer channels than the branch it is added to the
   * branch's first {@code fromChannels} channels only, the others passing unchanged (zero padding).
   *
   * <p>DL4J has no channel zero padding, so the convolution is built as two convolutions over the same
   * input, one to the first {@code fromChannels} output channels (the shortcut is added to it) and one
   * to the rest, concatenated in that order: output channels of a convolution and of batch norm are
   * independent, so this is exactly one convolution to {@code nOut} channels plus a zero-padded
   * shortcut, with the same weights, multiply-accumulates and parameters.
   *
   * @return the vertex after the activation
   * @throws IllegalArgumentException when the shortcut has more channels than the branch
   */
  static String endWithShortcut(Blocks blocks, String name, String branchInput, int nOut, int kernel,
      String from, int fromChannels, boolean subsample) {
    if (fromChannels > nOut) {
      throw new IllegalArgumentException(name + ": a shortcut of " + fromChannels
          + " channels needs at most the branch's " + nOut + " channels");
    }
    String shortcut = subsample ? blocks.maxPool(name + "_sub", from, 1, 2) : from;
    if (fromChannels == nOut) {
      return blocks.addAct(name + "_out", blocks.convBn(name + "_c", branchInput, nOut, kernel, 1), shortcut);
    }
    String low = blocks.convBn(name + "_c", branchInput, fromChannels, kernel, 1);
    String high = blocks.convBn(name + "_cpad", branchInput, nOut - fromChannels, kernel, 1);
    return blocks.act(name + "_out", blocks.concat(name + "_sum", blocks.add(name + "_add", low, shortcut), high));
  }

  /**
   * Groups of a grouped convolution between {@code in} and {@code out} channels: the largest number
   * up to {@link #CARDINALITY} that divides both, so that reduced widths keep whole groups of at least
   * one channel (32 at width 1, where ResNeXt's channels are multiples of 128).
   */
  static int groups(int in, int out) {
    for (int g = Math.min(CARDINALITY, Math.min(in, out)); g > 1; g--) {
      if (in % g == 0 && out % g == 0) {
        return g;
      }
    }
    return 1;
  }
}
