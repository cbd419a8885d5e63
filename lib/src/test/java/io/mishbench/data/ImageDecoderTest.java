package io.mishbench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageDecoder.prepare on source images that the JDK alone reads wrongly or not at all. */
class ImageDecoderTest {

  @TempDir Path dir;

  private static Pixels prepare(Path file, int channels) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      ImageDecoder.Stored s = ImageDecoder.prepare(in, 8, channels, ImageDecoder.Encoding.PNG);
      return ImageDecoder.decodeStored(s.bytes(), channels);
    }
  }

  @Test
  void cmykJpegBecomesRgbOfTheRightColour() throws IOException {
    // plain CMYK (0, 255, 255, 0) is red; K = 128 halves it
    Pixels red = prepare(TestImages.cmykJpeg(dir.resolve("red.jpg"), 16, 12, new int[] {0, 255, 255, 0}), 3);
    Pixels dark = prepare(TestImages.cmykJpeg(dir.resolve("dark.jpg"), 16, 12, new int[] {0, 255, 255, 128}), 3);
    int mid = 3 * (red.width() * (red.height() / 2) + red.width() / 2);
    assertTrue((red.data()[mid] & 0xFF) > 230 && (red.data()[mid + 1] & 0xFF) < 25 && (red.data()[mid + 2] & 0xFF) < 25,
        "red within JPEG error 25, got " + (red.data()[mid] & 0xFF) + "," + (red.data()[mid + 1] & 0xFF) + ","
            + (red.data()[mid + 2] & 0xFF));
    int r = dark.data()[mid] & 0xFF;
    assertTrue(r > 100 && r < 155, "K=128 halves red (127 +- 27), got " + r);
    assertEquals(8, Math.min(red.width(), red.height()));
  }

  @Test
  void aHeaderClaimingTooManyPixelsIsRefusedWithoutDecoding() throws IOException {
    Path huge = TestImages.pngClaiming(dir.resolve("huge.png"), 30000, 30000);
    long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    IOException e = assertThrows(IOException.class, () -> prepare(huge, 3));
    long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertTrue(e.getMessage().contains("30000x30000") && e.getMessage().contains("exceeds"), e.getMessage());
    assertTrue(after - before < 256L << 20, "allocated under 256 MiB (2.7 GB would be the full image), got "
        + ((after - before) >> 20) + " MiB");
  }

  @Test
  void aTruncatedJpegIsRefusedNotFilledWithGrey() throws IOException {
    Path cut = TestImages.truncatedJpeg(dir.resolve("cut.jpg"));
    IOException e = assertThrows(IOException.class, () -> prepare(cut, 3));
    assertTrue(e.getMessage().startsWith("truncated or corrupt") || e.getMessage().startsWith("undecodable"), e.getMessage());
  }

  @Test
  void sixteenBitAlphaAndGreySourcesAreConverted() throws IOException {
    Path p16 = TestImages.write(dir.resolve("g16.png"), TestImages.noise(20, 10, BufferedImage.TYPE_USHORT_GRAY, 1), "png");
    Path alpha = TestImages.write(dir.resolve("a.png"), TestImages.noise(10, 20, BufferedImage.TYPE_INT_ARGB, 2), "png");
    Path grey = TestImages.write(dir.resolve("g.jpg"), TestImages.noise(12, 12, BufferedImage.TYPE_BYTE_GRAY, 3), "jpeg");
    assertEquals(16, prepare(p16, 3).width(), "20x10 scaled to a shorter side of 8");
    assertEquals(16, prepare(alpha, 1).height());
    assertEquals(3, prepare(grey, 3).channels());
  }
  /** Bytes allocated by this thread while {@code r} runs (exact, unlike heap snapshots). */
  private static long allocated(org.junit.jupiter.api.function.Executable r) throws Throwable {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    r.execute();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"1000000, 1", "1, 1000000", "1000000, 2"})
  void aTinyImageWhoseResizedRasterWouldBeHugeIsRefusedFromItsHeader(int w, int h) throws Throwable {
    BufferedImage thin = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    Path file = TestImages.write(dir.resolve("thin.png"), thin, "png");
    assertTrue(Files.size(file) < 64 << 10, "a small file: " + Files.size(file));
    long bytes = allocated(() -> {
      IOException e = assertThrows(IOException.class, () -> prepare(file, 3));
      assertTrue(e.getMessage().contains("once resized"), e.getMessage());
    });
    assertTrue(bytes < 64L << 20, "allocated " + (bytes >> 20) + " MiB (the resized raster: gigabytes)");
  }

  @Test
  void pngTextChunksThatInflateToGigabytesAreNotRead() throws Throwable {
    Path bomb = TestImages.pngWithTextBomb(dir.resolve("bomb.png"), 1024);
    assertTrue(Files.size(bomb) < 4 << 20, "a small file: " + Files.size(bomb));
    long bytes = allocated(() -> prepare(bomb, 3));
    assertTrue(bytes < 64L << 20, "allocated " + (bytes >> 20) + " MiB (the text: 1 GiB)");
  }
}
