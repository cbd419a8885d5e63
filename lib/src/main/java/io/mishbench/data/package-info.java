/**
 * Datasets: the ImageNet-style folder reader over any Hadoop FileSystem (class folders, or a flat
 * validation folder with ImageNet's labels file; the class index), decoding (CMYK included) and
 * resizing, the shard format and its manifest, the Spark prepare step, the epoch plan that spreads
 * images over the workers and the executor-side minibatch loader, the Fashion-MNIST importer and the
 * generated dataset.
 *
 * <p>Training and evaluation do not live here; they consume {@link io.mishbench.data.PreparedDataset}.
 *
 * <p>The augmentations live here too, as plain seeded Java: {@link io.mishbench.data.AugmentSettings}
 * (options and presets), {@link io.mishbench.data.ImageAugmenter} (per image) and
 * {@link io.mishbench.data.BatchAugmenter} (per minibatch).
 */
package io.mishbench.data;
