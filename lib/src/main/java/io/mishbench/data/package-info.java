/**
 * Datasets: the ImageNet-style folder reader over any Hadoop FileSystem, decoding and resizing, the
 * shard format and its manifest, the Spark prepare step, executor-side minibatch assembly, the
 * Fashion-MNIST importer and the generated dataset.
 *
 * <p>Training and evaluation do not live here; they consume {@link io.mishbench.data.PreparedDataset}.
 *
 * <p>The augmentations live here too, as plain seeded Java: {@link io.mishbench.data.AugmentSettings}
 * (options and presets), {@link io.mishbench.data.ImageAugmenter} (per image) and
 * {@link io.mishbench.data.BatchAugmenter} (per minibatch).
 */
package io.mishbench.data;
