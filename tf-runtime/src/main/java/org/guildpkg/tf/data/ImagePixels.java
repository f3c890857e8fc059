package org.guildpkg.tf.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.guildpkg.GuildException;

/**
 * Decodes encoded images (JPEG, PNG, BMP) into {@code uint8} pixels in height x width x channels
 * order, as TensorFlow's {@code decode_image} lays them out: the one image decoder behind image
 * datasets ({@code guild tfrecord from-images} and the {@link Dataset} view's batches).
 *
 * <p>Decoding uses the JDK's {@link ImageIO}. Its JPEG decoder is not libjpeg, so a JPEG's pixels
 * may differ from TensorFlow's {@code decode_jpeg} by a level or two; PNG and BMP decode exactly.
 * Three channels are RGB; one channel is the luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded.
 */
public final class ImagePixels {
  static {
    // ImageIO otherwise caches every stream in a temporary file: slow, and litter on a crash.
    ImageIO.setUseCache(false);
  }

  private ImagePixels() {}

  /** What an encoded image is, from its first bytes: {@code "jpeg"}, {@code "png"}, {@code "bmp"}. */
  public static Optional<String> format(byte[] bytes) {
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
      return Optional.of("jpeg");
    }
    if (bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return Optional.of("png");
    }
    if (bytes.length >= 2 && bytes[0] == 'B' && bytes[1] == 'M') {
      return Optional.of("bmp");
    }
    return Optional.empty();
  }

  /**
   * Decodes an encoded image.
   *
   * @throws GuildException saying why the bytes are not a JPEG, PNG or BMP image that decodes
   */
  public static BufferedImage decode(byte[] bytes) {
    if (format(bytes).isEmpty()) {
      throw new GuildException("not a JPEG, PNG or BMP image");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new GuildException("damaged " + format(bytes).get().toUpperCase() + " image: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new GuildException("damaged " + format(bytes).get().toUpperCase() + " image: no decoder accepted it");
    }
    return image;
  }

  /**
   * The pixels of {@code image} as {@code height * width * channels} bytes.
   *
   * @param channels 1 (luma) or 3 (RGB)
   */
  public static byte[] pixels(BufferedImage image, int channels) {
    byte[] out = new byte[image.getHeight() * image.getWidth() * channels];
    pixels(image, channels, out, 0);
    return out;
  }

  /** Writes the pixels of {@code image} into {@code out} from {@code offset}. */
  static void pixels(BufferedImage image, int channels, byte[] out, int offset) {
    checkChannels(channels);
    int w = image.getWidth();
    int h = image.getHeight();
    int[] row = new int[w];
    int o = offset;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        int r = (p >> 16) & 0xff;
        int g = (p >> 8) & 0xff;
        int b = p & 0xff;
        if (channels == 3) {
          out[o++] = (byte) r;
          out[o++] = (byte) g;
          out[o++] = (byte) b;
        } else {
          out[o++] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        }
      }
    }
  }

  /**
   * Decodes {@code bytes} into {@code out} at {@code offset}, checking that the image has the
   * expected size.
   *
   * @throws GuildException when the image does not decode or has another size
   */
  static void decodeInto(byte[] bytes, int height, int width, int channels, byte[] out, int offset) {
    BufferedImage image = decode(bytes);
    if (image.getHeight() != height || image.getWidth() != width) {
      throw new GuildException(
          "image is " + image.getWidth() + "x" + image.getHeight() + ", the dataset's images are "
              + width + "x" + height);
    }
    pixels(image, channels, out, offset);
  }

  /** {@code image} resized as a whole (no crop) to {@code width} x {@code height}, bilinear. */
  public static BufferedImage resize(BufferedImage image, int width, int height) {
    if (image.getWidth() == width && image.getHeight() == height) {
      return image;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code image} encoded as PNG (lossless). */
  public static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("the JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static void checkChannels(int channels) {
    if (channels != 1 && channels != 3) {
      throw new GuildException("channels must be 1 (grayscale) or 3 (RGB), not " + channels);
    }
  }
}
