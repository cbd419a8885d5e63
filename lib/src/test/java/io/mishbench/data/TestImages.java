package io.mishbench.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes real good and bad image files for the prepare tests. */
final class TestImages {

  private TestImages() {}

  /** A noisy image of {@code type} (a BufferedImage.TYPE_*). */
  static BufferedImage noise(int w, int h, int type, long seed) {
    BufferedImage img = new BufferedImage(w, h, type);
    Random r = new Random(seed);
    WritableRaster raster = img.getRaster();
    int max = img.getSampleModel().getSampleSize(0) == 16 ? 65535 : 255;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int b = 0; b < raster.getNumBands(); b++) {
          raster.setSample(x, y, b, r.nextInt(max + 1));
        }
      }
    }
    return img;
  }

  static Path write(Path file, BufferedImage img, String format) throws IOException {
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IOException("no " + format + " writer for image type " + img.getType());
    }
    return file;
  }

  static byte[] jpegBytes(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }

  /** A JPEG cut off after 40% of its bytes. */
  static Path truncatedJpeg(Path file) throws IOException {
    byte[] full = jpegBytes(noise(64, 48, BufferedImage.TYPE_3BYTE_BGR, 3));
    Files.createDirectories(file.getParent());
    return Files.write(file, Arrays.copyOf(full, full.length * 2 / 5));
  }

  /**
   * A four-channel JPEG holding the raw CMYK samples {@code cmyk} in every pixel, written by the JDK
   * writer from a Raster (so without an Adobe marker: plain, non-inverted CMYK).
   */
  static Path cmykJpeg(Path file, int w, int h, int[] cmyk) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.setPixel(x, y, cmyk);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    Files.createDirectories(file.getParent());
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(Files.newOutputStream(file))) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    return file;
  }

  /** A PNG whose header claims {@code w}x{@code h} RGB pixels (valid CRCs), with almost no data. */
  static Path pngClaiming(Path file, int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
        .put((byte) 0).put((byte) 0).array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    Files.createDirectories(file.getParent());
    return Files.write(file, out.toByteArray());
  }

  /** A valid 8x8 PNG that carries a zTXt chunk inflating to {@code mib} MiB of text (a metadata bomb). */
  static Path pngWithTextBomb(Path file, int mib) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(noise(8, 8, BufferedImage.TYPE_3BYTE_BGR, 5), "png", png);
    byte[] b = png.toByteArray();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.write("Comment".getBytes(StandardCharsets.US_ASCII));
    text.write(0); // keyword terminator
    text.write(0); // compression method: deflate
    java.util.zip.Deflater d = new java.util.zip.Deflater(9);
    byte[] zeros = new byte[1 << 20];
    byte[] buf = new byte[1 << 16];
    for (int i = 0; i < mib; i++) {
      d.setInput(zeros);
      while (!d.needsInput()) {
        text.write(buf, 0, d.deflate(buf));
      }
    }
    d.finish();
    while (!d.finished()) {
      text.write(buf, 0, d.deflate(buf));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, 33); // signature and IHDR
    chunk(out, "zTXt", text.toByteArray());
    out.write(b, 33, b.length - 33);
    Files.createDirectories(file.getParent());
    return Files.write(file, out.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
