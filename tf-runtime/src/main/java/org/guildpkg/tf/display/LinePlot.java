package org.guildpkg.tf.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A simple line plot of one series, such as the loss per training step, drawn with
 * {@code java.awt} into a PNG (no plotting library, no display needed).
 *
 * <pre>{@code
 * List<Double> losses = ...;   // one per step
 * LinePlot plot = LinePlot.of("Training loss", "step", "loss", losses);
 * Files.write(Path.of("loss.png"), plot.toPng());
 * }</pre>
 *
 * <p>Immutable; {@link #size} returns a copy.
 */
public final class LinePlot implements Drawing {
  /** The colour of the line. */
  public static final Color LINE = new Color(0x1f, 0x77, 0xb4);
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 28;
  private static final int BOTTOM = 40;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final double[] xs;
  private final double[] ys;
  private final int width;
  private final int height;

  private LinePlot(String title, String xLabel, String yLabel, double[] xs, double[] ys, int width, int height) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    this.xs = xs;
    this.ys = ys;
    this.width = width;
    this.height = height;
  }

  /**
   * A plot of the points ({@code xs[i]}, {@code ys[i]}), 640 x 360 pixels.
   *
   * @throws IllegalArgumentException when the arrays differ in length, are empty, or hold a value
   *     that is not finite
   */
  public static LinePlot of(String title, String xLabel, String yLabel, double[] xs, double[] ys) {
    if (xs.length != ys.length || xs.length == 0) {
      throw new IllegalArgumentException(
          "a plot needs as many x as y values, at least one: " + xs.length + " x, " + ys.length + " y");
    }
    for (int i = 0; i < xs.length; i++) {
      if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
        throw new IllegalArgumentException("point " + i + " is not finite: (" + xs[i] + ", " + ys[i] + ")");
      }
    }
    return new LinePlot(title, xLabel, yLabel, xs.clone(), ys.clone(), 640, 360);
  }

  /** A plot of {@code ys} against 1, 2, 3, ... (such as one loss per step). */
  public static LinePlot of(String title, String xLabel, String yLabel, List<? extends Number> ys) {
    double[] x = new double[ys.size()];
    double[] y = new double[ys.size()];
    for (int i = 0; i < y.length; i++) {
      x[i] = i + 1;
      y[i] = ys.get(i).doubleValue();
    }
    return of(title, xLabel, yLabel, x, y);
  }

  /** A copy drawn {@code width} x {@code height} pixels. */
  public LinePlot size(int width, int height) {
    if (width < LEFT + RIGHT + 10 || height < TOP + BOTTOM + 10) {
      throw new IllegalArgumentException("a plot needs at least " + (LEFT + RIGHT + 10) + " x "
          + (TOP + BOTTOM + 10) + " pixels, not " + width + " x " + height);
    }
    return new LinePlot(title, xLabel, yLabel, xs, ys, width, height);
  }

  /** The image's width in pixels. */
  public int width() {
    return width;
  }

  /** The image's height in pixels. */
  public int height() {
    return height;
  }

  /** The pixel where point {@code i} is drawn in {@link #toImage()}. */
  public Point pixel(int i) {
    double[] xr = range(xs);
    double[] yr = range(ys);
    double px = LEFT + (xs[i] - xr[0]) / (xr[1] - xr[0]) * (width - LEFT - RIGHT);
    double py = height - BOTTOM - (ys[i] - yr[0]) / (yr[1] - yr[0]) * (height - TOP - BOTTOM);
    return new Point((int) Math.round(px), (int) Math.round(py));
  }

  /** [min, max] of the values, widened when they are all equal so the scale is never empty. */
  private static double[] range(double[] v) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    if (hi - lo < 1e-12) {
      double pad = Math.max(Math.abs(lo) * 0.05, 0.5);
      return new double[] {lo - pad, hi + pad};
    }
    return new double[] {lo, hi};
  }

  /** Draws the plot: axes with five ticks each, labels, the title and the line. */
  @Override
  public BufferedImage toImage() {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(Png.FONT);
      FontMetrics fm = g.getFontMetrics();
      int x0 = LEFT;
      int x1 = width - RIGHT;
      int y0 = height - BOTTOM;
      int y1 = TOP;
      double[] xr = range(xs);
      double[] yr = range(ys);
      g.setColor(Color.DARK_GRAY);
      g.drawLine(x0, y0, x1, y0);
      g.drawLine(x0, y0, x0, y1);
      for (int t = 0; t <= 4; t++) {
        int tx = x0 + t * (x1 - x0) / 4;
        String xl = number(xr[0] + t * (xr[1] - xr[0]) / 4, xr[1] - xr[0]);
        g.drawLine(tx, y0, tx, y0 + 4);
        g.drawString(xl, tx - fm.stringWidth(xl) / 2, y0 + 6 + fm.getAscent());
        int ty = y0 - t * (y0 - y1) / 4;
        String yl = number(yr[0] + t * (yr[1] - yr[0]) / 4, yr[1] - yr[0]);
        g.drawLine(x0 - 4, ty, x0, ty);
        g.drawString(yl, x0 - 6 - fm.stringWidth(yl), ty + fm.getAscent() / 2);
      }
      g.drawString(xLabel, (x0 + x1 - fm.stringWidth(xLabel)) / 2, height - 6);
      g.drawString(yLabel, 4, y1 - 8);
      g.setColor(Color.BLACK);
      g.drawString(title, (width - fm.stringWidth(title)) / 2, fm.getAscent() + 4);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(LINE);
      g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double line = new Path2D.Double();
      for (int i = 0; i < xs.length; i++) {
        Point p = pixel(i);
        if (i == 0) {
          line.moveTo(p.x, p.y);
        } else {
          line.lineTo(p.x, p.y);
        }
      }
      if (xs.length == 1) {
        Point p = pixel(0);
        g.fillOval(p.x - 2, p.y - 2, 5, 5);
      } else {
        g.draw(line);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A tick label: whole numbers over wide ranges (steps), three significant digits otherwise. */
  private static String number(double v, double range) {
    return range >= 20 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  /** The title, the number of points and the first and last y values. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d points, %s %.4g -> %.4g", title, xs.length, yLabel, ys[0], ys[ys.length - 1]);
  }
}
