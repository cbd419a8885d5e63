package io.mishbench.data;

import io.mishbench.data.ImageFolderScanner.Skipped;
import java.util.List;

/**
 * What {@code prepare} produced: written last, atomically, as {@code manifest.json} in the prepared
 * dataset's folder. A folder without it is not a prepared dataset.
 *
 * @param version format version, {@link #FORMAT_VERSION}
 * @param source the dataset URI it was prepared from
 * @param resolution the shorter side of the stored images in pixels (their aspect ratio is kept)
 * @param channels 1 (grey) or 3 (RGB)
 * @param encoding how the images are stored: png or jpeg
 * @param seed the seed that shuffled images into shards
 * @param shardSize images per shard (the last shard of a split may hold fewer)
 * @param inputDigest SHA-256 of the input listing (every file, its label and every skip), so a rerun
 *     can tell whether the input changed
 * @param classes class names; a label is an index into this list
 * @param train the training split
 * @param val the validation split
 * @param skipped every file left out, with its reason
 * @param createdAt ISO-8601 instant
 */
public record Manifest(
    int version,
    String source,
    int resolution,
    int channels,
    String encoding,
    long seed,
    int shardSize,
    String inputDigest,
    List<String> classes,
    Split train,
    Split val,
    List<Skipped> skipped,
    String createdAt) {

  /** 3: shards carry their length and CRC-32C. */
  public static final int FORMAT_VERSION = 3;
  public static final String FILE_NAME = "manifest.json";

  /**
   * One split.
   *
   * @param count images in it
   * @param perClass images per class index
   * @param shards its shard files, relative to the dataset folder ({@code shards-<id>/train-00000.msh})
   */
  public record Split(long count, List<Long> perClass, List<Shard> shards) {}

  /**
   * One shard file, the number of images in it, its length and its CRC-32C (8 hex digits), checked by
   * every read ({@link Shards#read}).
   */
  public record Shard(String file, int count, long bytes, String crc32c) {}
}
