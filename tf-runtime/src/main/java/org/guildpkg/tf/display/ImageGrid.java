package org.guildpkg.tf.display;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.ExampleIterator;
import org.guildpkg.tf.data.Examples;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.data.Split;
import org.tensorflow.proto.Example;

/**
 * Dataset images drawn side by side as one PNG, each with its caption (its class name) below: how
 * a notebook shows what a dataset holds.
 *
 * <pre>{@code
 * ImageGrid grid = ImageGrid.of(dataset.split("test"), 16).columns(8).scale(2);
 * Files.write(Path.of("grid.png"), grid.toPng());
 * }</pre>
 *
 * <p>Images are uint8 pixels in row-major order: grayscale ({@code [H, W]} or {@code [H, W, 1]})
 * or RGB ({@code [H, W, 3]}). Immutable; the withers return copies.
 */
public final class ImageGrid implements Drawing {
  private static final int PAD = 4;
  private static final int MIN_CELL_WIDTH = 84;

  private final List<byte[]> images;
  private final List<String> captions;
  private final int height;
  private final int width;
  private final int channels;
  private final int columns;
  private final int scale;

  private ImageGrid(
      List<byte[]> images, List<String> captions, int height, int width, int channels, int columns, int scale) {
    this.images = images;
    this.captions = captions;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.columns = columns;
    this.scale = scale;
  }

  /**
   * A grid of images of {@code height} x {@code width} x {@code channels} (1 or 3) uint8 values,
   * each with the caption at the same index (an empty list for none); 8 columns, scale 2.
   *
   * @throws IllegalArgumentException when an image's size does not fit the shape or the captions
   *     do not match the images
   */
  public static ImageGrid of(List<byte[]> images, List<String> captions, int height, int width, int channels) {
    if (height < 1 || width < 1 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(
          "images must be at least 1x1 with 1 or 3 channels, not " + height + "x" + width + "x" + channels);
    }
    if (!captions.isEmpty() && captions.size() != images.size()) {
      throw new IllegalArgumentException(captions.size() + " captions for " + images.size() + " images");
    }
    List<byte[]> copies = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i).length != height * width * channels) {
        throw new IllegalArgumentException("image " + i + " has " + images.get(i).length + " values, not "
            + height + "x" + width + "x" + channels);
      }
      copies.add(images.get(i).clone());
    }
    return new ImageGrid(List.copyOf(copies), List.copyOf(captions), height, width, channels, 8, 2);
  }

  /**
   * The first {@code count} examples of a split: its uint8 image feature (the one of shape
   * {@code [H, W]}, {@code [H, W, 1]} or {@code [H, W, 3]}), captioned with the class name of its
   * int64 scalar label (the dataset's {@code classes}; the label value when it names none).
   *
   * @throws GuildException when the split has no such image feature, or it cannot be read
   */
  public static ImageGrid of(Split split, int count) {
    FeatureSpec image = split.features().values().stream()
        .filter(f -> f.dtype() == FeatureType.UINT8 && imageShape(f))
        .findFirst()
        .orElseThrow(() -> new GuildException("split '" + split.name() + "' of " + split.dataset().folder()
            + " has no uint8 image feature of shape [H, W], [H, W, 1] or [H, W, 3]; its features: "
            + split.features().values()));
    List<FeatureSpec> labels = split.features().values().stream()
        .filter(f -> f.dtype() == FeatureType.INT64 && f.shape().isEmpty())
        .toList();
    List<String> classes = split.dataset().classes();
    List<byte[]> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    try (ExampleIterator it = split.examples()) {
      while (images.size() < count && it.hasNext()) {
        Example e = it.next();
        images.add(Examples.bytes(e, image.name()).get(0));
        if (labels.size() == 1) {
          long label = Examples.int64s(e, labels.get(0).name())[0];
          captions.add(label >= 0 && label < classes.size() ? classes.get((int) label) : Long.toString(label));
        }
      }
    }
    List<Long> shape = image.shape();
    int channels = shape.size() == 3 ? Math.toIntExact(shape.get(2)) : 1;
    return of(images, captions, Math.toIntExact(shape.get(0)), Math.toIntExact(shape.get(1)), channels);
  }

  private static boolean imageShape(FeatureSpec f) {
    List<Long> s = f.shape();
    return (s.size() == 2 || (s.size() == 3 && (s.get(2) == 1 || s.get(2) == 3)))
        && s.get(0) > 0 && s.get(1) > 0;
  }

  /** A copy with {@code n} images per row (default 8). */
  public ImageGrid columns(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("columns must be at least 1, not " + n);
    }
    return new ImageGrid(images, captions, height, width, channels, n, scale);
  }

  /** A copy that draws each pixel as an {@code n} x {@code n} square (default 2). */
  public ImageGrid scale(int n) {
    if (n < 1 || n > 32) {
      throw new IllegalArgumentException("scale must be between 1 and 32, not " + n);
    }
    return new ImageGrid(images, captions, height, width, channels, columns, n);
  }

  /** The captions, one per image (empty when the images have none). */
  public List<String> captions() {
    return captions;
  }

  /** The number of images. */
  public int size() {
    return images.size();
  }

  /** Where image {@code index}'s pixels are in {@link #toImage()} (scaled). */
  public Rectangle imageBounds(int index) {
    if (index < 0 || index >= images.size()) {
      throw new IndexOutOfBoundsException("image " + index + " of " + images.size());
    }
    int col = index % columns;
    int row = index / columns;
    int x = PAD + col * (cellWidth() + PAD) + (cellWidth() - width * scale) / 2;
    int y = PAD + row * (cellHeight() + PAD);
    return new Rectangle(x, y, width * scale, height * scale);
  }

  private int cellWidth() {
    return Math.max(width * scale, captions.isEmpty() ? 0 : MIN_CELL_WIDTH);
  }

  private int captionHeight() {
    return captions.isEmpty() ? 0 : Png.FONT.getSize() + 6;
  }

  private int cellHeight() {
    return height * scale + captionHeight();
  }

  /** Draws the grid: white background, images in rows, captions centred below each. */
  @Override
  public BufferedImage toImage() {
    int cols = Math.max(1, Math.min(columns, images.size()));
    int rows = Math.max(1, (images.size() + columns - 1) / columns);
    BufferedImage out = new BufferedImage(
        PAD + cols * (cellWidth() + PAD), PAD + rows * (cellHeight() + PAD), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      for (int i = 0; i < images.size(); i++) {
        Rectangle r = imageBounds(i);
        byte[] px = images.get(i);
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int rgb = rgb(px, (y * width + x) * channels);
            for (int dy = 0; dy < scale; dy++) {
              for (int dx = 0; dx < scale; dx++) {
                out.setRGB(r.x + x * scale + dx, r.y + y * scale + dy, rgb);
              }
            }
          }
        }
      }
      if (!captions.isEmpty()) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(Png.FONT);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < images.size(); i++) {
          Rectangle r = imageBounds(i);
          String c = captions.get(i);
          int cellX = PAD + (i % columns) * (cellWidth() + PAD);
          g.drawString(c, cellX + Math.max(0, (cellWidth() - fm.stringWidth(c)) / 2), r.y + r.height + fm.getAscent() + 2);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private int rgb(byte[] px, int at) {
    if (channels == 1) {
      int v = px[at] & 0xff;
      return (v << 16) | (v << 8) | v;
    }
    return ((px[at] & 0xff) << 16) | ((px[at + 1] & 0xff) << 8) | (px[at + 2] & 0xff);
  }

  /** How many images, and their captions. */
  @Override
  public String toString() {
    return images.size() + " images " + height + "x" + width
        + (captions.isEmpty() ? "" : ": " + String.join(", ", captions));
  }
}
