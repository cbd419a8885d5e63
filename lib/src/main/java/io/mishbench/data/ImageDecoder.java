package io.mishbench.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;

/**
 * Decodes an encoded image (PNG, JPEG, BMP, GIF: whatever ImageIO reads), scales its shorter side to
 * the target resolution, centre-crops a square and returns unsigned pixels in CHW order.
 */
public final class ImageDecoder {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ImageDecoder() {}

  /**
   * Decodes and resizes one image.
   *
   * @param channels 1 for grey, 3 for RGB
   * @throws IOException when the bytes are not a readable image; its message is the skip reason
   */
  public static byte[] decode(InputStream in, int resolution, int channels) throws IOException {
    BufferedImage src;
    try {
      src = ImageIO.read(in);
    } catch (IOException | RuntimeException e) {
      throw new IOException("undecodable image: " + e.getMessage(), e);
    }
    if (src == null) {
      throw new IOException("not a readable image format");
    }
    if (src.getWidth() < 1 || src.getHeight() < 1) {
      throw new IOException("empty image " + src.getWidth() + "x" + src.getHeight());
    }
    BufferedImage dst =
        new BufferedImage(resolution, resolution, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    double scale = (double) resolution / Math.min(src.getWidth(), src.getHeight());
    int w = (int) Math.round(src.getWidth() * scale);
    int h = (int) Math.round(src.getHeight() * scale);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, (resolution - w) / 2, (resolution - h) / 2, w, h, null);
    } finally {
      g.dispose();
    }
    int plane = resolution * resolution;
    byte[] out = new byte[channels * plane];
    if (channels == 1) {
      dst.getRaster().getDataElements(0, 0, resolution, resolution, out);
      return out;
    }
    int[] rgb = dst.getRGB(0, 0, resolution, resolution, null, 0, resolution);
    for (int i = 0; i < plane; i++) {
      out[i] = (byte) (rgb[i] >> 16);
      out[plane + i] = (byte) (rgb[i] >> 8);
      out[2 * plane + i] = (byte) rgb[i];
    }
    return out;
  }
}
