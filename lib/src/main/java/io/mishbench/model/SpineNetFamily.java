package io.mishbench.model;

import java.util.ArrayList;
import java.util.List;

/**
 * SpineNet-49 for ImageNet classification (Du et al., CVPR 2020), as tensorflow/tpu builds it in
 * models/official/detection/modeling/architecture/spinenet.py with the head of
 * configs/spinenet/spinenet49_classification.yaml (heads.py {@code ClassificationHead}, aggregation
 * 'all', no embedding convolution, no dropout). At width and depth 1 and 1000 classes it has
 * 22,088,488 parameters in the TensorFlow/PyTorch convention ({@link ModelCounter.Counts#trainable})
 * and 3.48G multiply-accumulates at 224 (published: 22.1M, 3.5B).
 *
 * <ol>
 *   <li>Stem: 7x7/2 convolution to 64 channels, 3x3/2 max pool, then two level-2 bottleneck blocks of
 *       64 filters (256 out, the first with a projection shortcut).
 *   <li>Fifteen scale-permuted blocks ({@link #BLOCKS}, SPINENET_BLOCK_SPECS). Each resamples its two
 *       parents ({@link SpineNetResample}), sums them, adds (for an output block) every earlier block
 *       nobody has read yet that already has its size and channels, applies the activation and runs
 *       one residual (two 3x3) or bottleneck (1x1, 3x3, 1x1 to 4x) block of FILTER_SIZE_MAP[level]
 *       filters; its shortcut is the identity, as the resampling already gives the block's width.
 *   <li>Endpoints: every output block (levels 3 to 7) through a 1x1 convolution to 256 channels, batch
 *       norm and activation.
 *   <li>Head ('all'): from level 7 down, the running map is resized (nearest) to the next level's
 *       size and added to it; the sum of the five is divided by 5. {@link ModelZoo} adds global
 *       average pooling and the dense classifier (TensorFlow's dense layer also has a bias).
 * </ol>
 * Every activation is the spec's (TensorFlow's is swish or relu). Width scales every filter count,
 * the stem's and the endpoints' included; depth scales block_repeats (1 for SpineNet-49, so depth 2
 * repeats every block twice as SpineNet-96 does, without SpineNet-96's other changes; below 1.5 it
 * stays 1). Down-sampling is 2^7 = 128 (level 7): inputs below 128 pixels are refused; sizes that
 * are not multiples of 128 (224) are handled as TensorFlow does (ceil sizes, nearest resizes).
 */
final class SpineNetFamily implements ModelFamily {

  /** One SPINENET_BLOCK_SPECS entry: level, bottleneck (else residual), parents (feature indices), output. */
  record BlockSpec(int level, boolean bottleneck, int parent0, int parent1, boolean output) {}

  /** SPINENET_BLOCK_SPECS after the two stem blocks (features 0 and 1), found by NAS. */
  static final List<BlockSpec> BLOCKS = List.of(
      new BlockSpec(2, true, 0, 1, false),
      new BlockSpec(4, false, 0, 1, false),
      new BlockSpec(3, true, 2, 3, false),
      new BlockSpec(4, true, 2, 4, false),
      new BlockSpec(6, false, 3, 5, false),
      new BlockSpec(4, true, 3, 5, false),
      new BlockSpec(5, false, 6, 7, false),
      new BlockSpec(7, false, 6, 8, false),
      new BlockSpec(5, true, 8, 9, false),
      new BlockSpec(5, true, 8, 10, false),
      new BlockSpec(4, true, 5, 10, true),
      new BlockSpec(3, true, 4, 10, true),
      new BlockSpec(5, true, 7, 12, true),
      new BlockSpec(7, true, 5, 14, true),
      new BlockSpec(6, true, 12, 14, true));

  /** FILTER_SIZE_MAP, indexed by level. */
  private static final int[] FILTERS = {0, 32, 64, 128, 256, 256, 256, 256};
  static final int EXPANSION = 4;
  private static final int STEM = 64;
  private static final int ENDPOINT_FILTERS = 256;
  static final int MIN_LEVEL = 3;
  static final int MAX_LEVEL = 7;

  /** A built feature map: vertex, level, height and width, channels, block type, readers so far. */
  static final class Feature {
    final String vertex;
    final int level;
    final int size;
    final int channels;
    final boolean bottleneck;
    int readers;

    Feature(String vertex, int level, int size, int channels, boolean bottleneck) {
      this.vertex = vertex;
      this.level = level;
      this.size = size;
      this.channels = channels;
      this.bottleneck = bottleneck;
    }
  }

  @Override
  public int downsampling() {
    return 1 << MAX_LEVEL;
  }

  @Override
  public String downsamplingReason() {
    return "its coarsest feature level, " + MAX_LEVEL + ", is 2^" + MAX_LEVEL + " times smaller than the input";
  }

  @Override
  public String body(Blocks blocks, ModelSpec spec, String input) {
    int resolution = spec.resolution();
    int repeats = spec.blocks(1);
    String x = blocks.convBnAct("stem", input, spec.channels(STEM), 7, 2);
    x = blocks.maxPool("stem_pool", x, 3, 2);
    List<Feature> features = new ArrayList<>();
    int channels = spec.channels(STEM);
    int filters = spec.channels(FILTERS[2]);
    for (int i = 0; i < 2; i++) {
      x = blockGroup(blocks, "stem" + (i + 1), x, channels, filters, true, repeats);
      channels = filters * EXPANSION;
      features.add(new Feature(x, 2, size(resolution, 2), channels, true));
    }
    Feature[] outputs = new Feature[MAX_LEVEL + 1];
    for (int i = 0; i < BLOCKS.size(); i++) {
      BlockSpec b = BLOCKS.get(i);
      String name = "b" + i;
      int size = size(resolution, b.level());
      int blockFilters = spec.channels(FILTERS[b.level()]);
      int width = b.bottleneck() ? blockFilters * EXPANSION : blockFilters;
      List<String> parts = new ArrayList<>();
      for (int p : new int[] {b.parent0(), b.parent1()}) {
        Feature parent = features.get(p);
        parts.add(SpineNetResample.resample(blocks, name + "_r" + parts.size(), parent, size, width));
        parent.readers++;
      }
      if (b.output()) {
        for (Feature f : features) {
          if (f.readers == 0 && f.size == size && f.channels == width) {
            parts.add(f.vertex);
            f.readers++;
          }
        }
      }
      String merged = blocks.addAct(name + "_in", parts.toArray(String[]::new));
      String out = blockGroup(blocks, name, merged, width, blockFilters, b.bottleneck(), repeats);
      Feature f = new Feature(out, b.level(), size, width, b.bottleneck());
      features.add(f);
      if (b.output()) {
        outputs[b.level()] = f;
      }
    }
    return classificationFeatures(blocks, spec, outputs);
  }

  /** The endpoints (1x1 convolution, batch norm, activation) averaged at level 3 as heads.py's 'all'. */
  private static String classificationFeatures(Blocks blocks, ModelSpec spec, Feature[] outputs) {
    int endpoint = spec.channels(ENDPOINT_FILTERS);
    String x = null;
    int size = 0;
    for (int level = MAX_LEVEL; level >= MIN_LEVEL; level--) {
      String e = blocks.convBnAct("endpoint" + level, outputs[level].vertex, endpoint, 1, 1);
      if (x == null) {
        x = e;
      } else {
        x = blocks.add("head_sum" + level, blocks.resize("head_up" + level, x, size, outputs[level].size), e);
      }
      size = outputs[level].size;
    }
    return blocks.scale("head_mean", x, 1.0 / (MAX_LEVEL - MIN_LEVEL + 1));
  }

  /**
   * block_group: {@code repeats} residual or bottleneck blocks of {@code filters}; a block's shortcut
   * is a 1x1 convolution + batch norm when its input has other than its output's channels (the first
   * stem block only), else the identity.
   */
  static String blockGroup(Blocks blocks, String name, String x, int inChannels, int filters, boolean bottleneck,
      int repeats) {
    int out = bottleneck ? filters * EXPANSION : filters;
    for (int r = 0; r < repeats; r++) {
      String n = repeats == 1 ? name : name + "_" + r;
      String shortcut = inChannels == out ? x : blocks.convBn(n + "_proj", x, out, 1, 1);
      String y;
      if (bottleneck) {
        y = blocks.convBnAct(n + "_a", x, filters, 1, 1);
        y = blocks.convBnAct(n + "_b", y, filters, 3, 1);
        y = blocks.convBn(n + "_c", y, out, 1, 1);
      } else {
        y = blocks.convBnAct(n + "_a", x, filters, 3, 1);
        y = blocks.convBn(n + "_b", y, filters, 3, 1);
      }
      x = blocks.addAct(n + "_out", y, shortcut);
      inChannels = out;
    }
    return x;
  }

  /** Height and width of level {@code level}: ceil(resolution / 2^level), as spinenet.py's target_width. */
  static int size(int resolution, int level) {
    return -Math.floorDiv(-resolution, 1 << level);
  }
}
