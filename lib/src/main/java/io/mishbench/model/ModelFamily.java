package io.mishbench.model;

/**
 * One network family of the zoo. {@link ModelZoo} adds the input and the classification head (global
 * average pooling, dense softmax layer); the family adds everything in between.
 */
interface ModelFamily {

  /** The factor the body shrinks height and width by (32 for ImageNet networks): the smallest input. */
  int downsampling();

  /** Why the body down-samples by {@link #downsampling()}, for the message refusing a smaller input. */
  default String downsamplingReason() {
    return "its last stage is " + downsampling() + " times smaller than the input";
  }

  /**
   * Adds the body, from the stem to the last stage, to {@code blocks}' graph.
   *
   * @param input the vertex holding the image, {@code spec.channels()} deep
   * @return the vertex global average pooling reads
   */
  String body(Blocks blocks, ModelSpec spec, String input);
}
