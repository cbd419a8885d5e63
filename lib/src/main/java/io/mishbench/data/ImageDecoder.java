package io.mishbench.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Images in and out of shards. {@link #prepare} decodes a source image (PNG, JPEG, BMP, GIF: whatever
 * ImageIO reads, plus CMYK and YCCK JPEGs, which {@link CmykJpeg} converts; 16-bit, palette and alpha
 * images are converted, alpha composited over black), scales it so that its shorter side is the prepared size, converts it to grey or RGB
 * and encodes it for the shard; {@link #decodeStored} turns a stored image back into {@link Pixels}.
 */
public final class ImageDecoder {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Source images with more pixels are refused from their header, before any pixel is decoded. */
  public static final long MAX_PIXELS = 100_000_000L;

  /**
   * Images whose resized copy (shorter side at the prepared size) would have more pixels are refused
   * from their header too: a tiny PNG of 1,000,000 x 1 pixels would become 64,000,000 x 64.
   */
  public static final long MAX_RESIZED_PIXELS = 25_000_000L;

  /** How prepared images are stored. */
  public enum Encoding {
    /** lossless; small for small or grey images */
    PNG,
    /** quality 95, as ImageNet pipelines store their resized copies */
    JPEG;

    /** Parses {@code png} or {@code jpeg} (any case). */
    public static Encoding parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "png" -> PNG;
        case "jpeg", "jpg" -> JPEG;
        default -> throw new IllegalArgumentException("encoding must be png or jpeg, got '" + s + "'");
      };
    }
  }

  /** An encoded image ready for a shard, with its size in pixels. */
  public record Stored(byte[] bytes, int width, int height) {}

  private ImageDecoder() {}

  /**
   * Decodes one source image and re-encodes it for a shard: shorter side {@code size} pixels, aspect
   * ratio kept, {@code channels} channels.
   *
   * @throws IOException when the bytes are not a readable image, are truncated (the decoder warned of
   *     a premature end),
   *     or the header claims more than {@link #MAX_PIXELS} pixels; its message is the skip reason
   */
  public static Stored prepare(InputStream in, int size, int channels, Encoding encoding) throws IOException {
    BufferedImage src = read(in, size);
    double scale = (double) size / Math.min(src.getWidth(), src.getHeight());
    int w = Math.max(size, (int) Math.round(src.getWidth() * scale));
    int h = Math.max(size, (int) Math.round(src.getHeight() * scale));
    BufferedImage dst = new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(src, 0, 0, w, h, null); // alpha is composited over black, 16-bit and palettes converted
    } finally {
      g.dispose();
    }
    return new Stored(encode(dst, encoding), w, h);
  }

  private static BufferedImage read(InputStream in, int size) throws IOException {
    try (ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        throw new IOException("not a readable image format");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
      try {
        // metadata is not read (a PNG's compressed text chunks can inflate to gigabytes), except JPEG's,
        // whose Adobe marker tells CMYK from YCCK and whose segments are at most 64 KiB each
        reader.setInput(iis, true, !"jpeg".equalsIgnoreCase(reader.getFormatName()));
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 1 || h < 1) {
          throw new IOException("empty image " + w + "x" + h);
        }
        if (w * h > MAX_PIXELS) {
          throw new IOException("image of " + w + "x" + h + " pixels exceeds the limit of " + MAX_PIXELS + " pixels");
        }
        long resized = (long) Math.ceil((double) Math.max(w, h) * size / Math.min(w, h)) * size;
        if (resized > MAX_RESIZED_PIXELS) {
          throw new IOException("image of " + w + "x" + h + " pixels exceeds the limit of " + MAX_RESIZED_PIXELS
              + " pixels once resized to a shorter side of " + size + " (" + resized + " pixels)");
        }
        BufferedImage img = CmykJpeg.isFourChannelJpeg(reader) ? CmykJpeg.read(reader) : reader.read(0);
        if (img == null) {
          throw new IOException("not a readable image format");
        }
        // the JDK's JPEG decoder fills a truncated image with grey and only warns; other warnings
        // (extraneous bytes before a marker, common in real photo collections) leave a usable image
        for (String warning : warnings) {
          if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
            throw new IOException("truncated or corrupt image: " + warning);
          }
        }
        return img;
      } catch (IOException e) {
        throw e.getMessage() != null && (e.getMessage().startsWith("image of") || e.getMessage().startsWith("empty")
            || e.getMessage().startsWith("not a readable") || e.getMessage().startsWith("truncated"))
            ? e : new IOException("undecodable image: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new IOException("undecodable image: " + e, e);
      } finally {
        reader.dispose();
      }
    }
  }

  private static byte[] encode(BufferedImage img, Encoding encoding) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(img.getWidth() * img.getHeight());
    if (encoding == Encoding.PNG) {
      if (!ImageIO.write(img, "png", bytes)) {
        throw new IOException("no PNG writer");
      }
      return bytes.toByteArray();
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(0.95f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), p);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes an image as {@link #prepare} stored it.
   *
   * @param channels 1 for grey, 3 for RGB (the prepared dataset's)
   */
  public static Pixels decodeStored(byte[] encoded, int channels) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
    if (img == null) {
      throw new IOException("stored image is not readable (" + encoded.length + " bytes)");
    }
    return toPixels(img, channels);
  }

  /**
   * The pixels of a decoded image with {@code channels} channels: read straight from an unpadded grey
   * or {@code TYPE_3BYTE_BGR} raster (what ImageIO returns for PNG and JPEG), converted otherwise.
   */
  public static Pixels toPixels(BufferedImage img, int channels) {
    int w = img.getWidth();
    int h = img.getHeight();
    if (channels == 1 && img.getType() == BufferedImage.TYPE_BYTE_GRAY && compact(img, 1)) {
      return new Pixels(w, h, 1, ((DataBufferByte) img.getRaster().getDataBuffer()).getData().clone());
    }
    if (channels == 3 && img.getType() == BufferedImage.TYPE_3BYTE_BGR && compact(img, 3)) {
      byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      byte[] rgb = new byte[w * h * 3];
      for (int i = 0; i < rgb.length; i += 3) {
        rgb[i] = bgr[i + 2];
        rgb[i + 1] = bgr[i + 1];
        rgb[i + 2] = bgr[i];
      }
      return new Pixels(w, h, 3, rgb);
    }
    BufferedImage converted =
        new BufferedImage(w, h, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = converted.createGraphics();
    try {
      g.drawImage(img, 0, 0, null);
    } finally {
      g.dispose();
    }
    return toPixels(converted, channels);
  }

  /** Whether the raster is one unpadded array of {@code channels} interleaved bytes per pixel. */
  private static boolean compact(BufferedImage img, int channels) {
    if (!(img.getRaster().getDataBuffer() instanceof DataBufferByte db)
        || !(img.getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm)) {
      return false;
    }
    return db.getNumBanks() == 1 && db.getOffset() == 0 && sm.getPixelStride() == channels
        && sm.getScanlineStride() == img.getWidth() * channels
        && img.getRaster().getSampleModelTranslateX() == 0 && img.getRaster().getSampleModelTranslateY() == 0
        && db.getData().length == img.getWidth() * img.getHeight() * channels;
  }

}
