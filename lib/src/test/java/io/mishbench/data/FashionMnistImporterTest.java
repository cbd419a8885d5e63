package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fashion-MNIST import from generated IDX files: re-imports leave nothing stale, lying headers are errors. */
class FashionMnistImporterTest {

  @TempDir Path dir;

  /** Writes the four IDX files: {@code n} images (image i has label i % 10), counts as claimed. */
  private Path idx(int n, int claimedImages, int claimedLabels) throws IOException {
    Path idx = Files.createDirectories(dir.resolve("idx"));
    for (String prefix : new String[] {"train", "t10k"}) {
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(idx.resolve(prefix + "-images-idx3-ubyte")))) {
        out.writeInt(2051);
        out.writeInt(claimedImages);
        out.writeInt(28);
        out.writeInt(28);
        for (int i = 0; i < n; i++) {
          out.write(new byte[28 * 28]);
        }
      }
      try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(idx.resolve(prefix + "-labels-idx1-ubyte")))) {
        out.writeInt(2049);
        out.writeInt(claimedLabels);
        for (int i = 0; i < n; i++) {
          out.write(i % 10);
        }
      }
    }
    return idx;
  }

  private long pngs(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".png")).count();
    }
  }

  @Test
  void reImportingFewerImagesLeavesNoStaleFiles() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("train/0-tshirt-top"));
    Files.writeString(out.resolve("train/0-tshirt-top/notes.txt"), "the user's, kept");
    FashionMnistImporter.importTo(new FashionMnistImporter.Options(idx(40, 40, 40), out, 0, 0));
    assertEquals(80, pngs(out));
    FashionMnistImporter.importTo(new FashionMnistImporter.Options(idx(40, 40, 40), out, 2, 1));
    assertEquals(20 + 10, pngs(out), "2 train and 1 val image per class, nothing left of the first import");
    FashionMnistImporter.importTo(new FashionMnistImporter.Options(idx(20, 20, 20), out, 0, 0));
    assertEquals(40, pngs(out));
    assertTrue(Files.exists(out.resolve("train/0-tshirt-top/notes.txt")));
  }

  @ParameterizedTest
  @ValueSource(ints = {2_000_000_000, -5, Integer.MIN_VALUE})
  void anAbsurdCountIsAClearErrorNotAnAllocation(int claimed) throws IOException {
    Path idx = idx(10, claimed, 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnistImporter.read(idx, true));
    assertTrue(e.getMessage().contains("the header claims " + claimed), e.getMessage());
    Path labels = idx(10, 10, claimed);
    e = assertThrows(IllegalArgumentException.class, () -> FashionMnistImporter.read(labels, true));
    assertTrue(e.getMessage().contains("the header claims " + claimed), e.getMessage());
  }

  @Test
  void aCountLargerThanTheFileIsTruncation() throws IOException {
    Path idx = idx(10, 900_000, 10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnistImporter.read(idx, true));
    assertTrue(e.getMessage().contains("ends after 10 (truncated)"), e.getMessage());
  }
}
