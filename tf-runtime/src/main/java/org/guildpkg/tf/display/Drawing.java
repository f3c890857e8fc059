package org.guildpkg.tf.display;

import java.awt.image.BufferedImage;

/**
 * A display drawn as an image ({@link ImageGrid}, {@link LinePlot}): shown as {@code image/png},
 * with its {@code toString()} as the text form.
 */
public interface Drawing extends Displayable {
  /** Draws this into a new image. */
  BufferedImage toImage();

  /** The drawing as PNG bytes. */
  default byte[] toPng() {
    return Png.encode(toImage());
  }

  /** The drawing as {@code image/png}, with {@code toString()} as the text form. */
  @Override
  default MimeBundle toMimeBundle() {
    return MimeBundle.png(toString(), toPng());
  }
}
