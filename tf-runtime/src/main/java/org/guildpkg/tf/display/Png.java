package org.guildpkg.tf.display;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** PNG encoding and the font shared by the drawn displays. */
final class Png {
  /** A font every JDK has (a logical font), so drawing needs no particular installed font. */
  static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private Png() {}

  static byte[] encode(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("this JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing a PNG in memory failed", e);
    }
    return out.toByteArray();
  }
}
