package io.mishbench.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.Node;

/**
 * Reads four-channel (CMYK or YCCK) JPEGs, which the JDK's JPEG reader decodes only as a raw
 * {@link Raster}, and converts them to RGB.
 *
 * <p>The Adobe APP14 marker says how the channels are stored: transform 2 is YCCK (converted to CMYK
 * first), and Adobe-written CMYK is stored inverted, as Photoshop writes it. Without the marker the
 * channels are taken as plain CMYK. The conversion is the naive {@code R = (1 - C)(1 - K)} one, without
 * a colour profile: good enough for training data, not for print.
 */
final class CmykJpeg {

  private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

  private CmykJpeg() {}

  /** Whether {@code reader} (with its input set) holds a JPEG with four colour channels. */
  static boolean isFourChannelJpeg(ImageReader reader) throws IOException {
    if (!"jpeg".equalsIgnoreCase(reader.getFormatName())) {
      return false;
    }
    Node sof = find(nativeTree(reader), "sof");
    return sof != null && sof.getAttributes().getNamedItem("numFrameComponents") != null
        && "4".equals(sof.getAttributes().getNamedItem("numFrameComponents").getNodeValue());
  }

  /** Reads image 0 of {@code reader} as RGB. */
  static BufferedImage read(ImageReader reader) throws IOException {
    Node adobe = find(nativeTree(reader), "app14Adobe");
    int transform = -1;
    if (adobe != null && adobe.getAttributes().getNamedItem("transform") != null) {
      transform = Integer.parseInt(adobe.getAttributes().getNamedItem("transform").getNodeValue());
    }
    boolean inverted = adobe != null;
    Raster raster = reader.readRaster(0, null);
    int w = raster.getWidth();
    int h = raster.getHeight();
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(raster.getMinX() + x, raster.getMinY() + y, px);
        if (transform == 2) { // YCCK: YCbCr gives the (inverted) C, M, Y; K stays
          double yy = px[0];
          double cb = px[1] - 128.0;
          double cr = px[2] - 128.0;
          px[0] = clamp(yy + 1.402 * cr);
          px[1] = clamp(yy - 0.344136 * cb - 0.714136 * cr);
          px[2] = clamp(yy + 1.772 * cb);
        }
        int k = inverted ? px[3] : 255 - px[3];
        int r = (inverted ? px[0] : 255 - px[0]) * k / 255;
        int g = (inverted ? px[1] : 255 - px[1]) * k / 255;
        int b = (inverted ? px[2] : 255 - px[2]) * k / 255;
        rgb.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return rgb;
  }

  private static Node nativeTree(ImageReader reader) throws IOException {
    IIOMetadata meta = reader.getImageMetadata(0);
    return meta == null ? null : meta.getAsTree(NATIVE_FORMAT);
  }

  private static Node find(Node node, String name) {
    if (node == null) {
      return null;
    }
    if (name.equals(node.getNodeName())) {
      return node;
    }
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      Node hit = find(c, name);
      if (hit != null) {
        return hit;
      }
    }
    return null;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
