package org.guildpkg.tf.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Point;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LinePlotTest {

  private static List<Double> fallingLoss() {
    List<Double> loss = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      loss.add(2.3 * Math.exp(-i / 15.0) + 0.3);
    }
    return loss;
  }

  @Test
  void pngDecodesAtTheRequestedSize() throws IOException {
    LinePlot plot = LinePlot.of("Training loss", "step", "loss", fallingLoss()).size(500, 300);

    BufferedImage png = ImageIO.read(new ByteArrayInputStream(plot.toMimeBundle().png().orElseThrow()));

    assertThat(png.getWidth()).isEqualTo(500);
    assertThat(png.getHeight()).isEqualTo(300);
    assertThat(LinePlot.of("t", "x", "y", fallingLoss()).toImage().getWidth()).isEqualTo(640);
  }

  @Test
  void fallingValuesAreDrawnFromTopLeftToBottomRightInTheLineColour() {
    LinePlot plot = LinePlot.of("Training loss", "step", "loss", fallingLoss());
    BufferedImage img = plot.toImage();

    Point first = plot.pixel(0);
    Point last = plot.pixel(49);
    assertThat(first.x).isLessThan(last.x);
    assertThat(first.y).isLessThan(last.y);
    for (Point p : List.of(first, plot.pixel(10), plot.pixel(25), last)) {
      assertThat(nearLine(img, p)).as("line colour near %s", p).isTrue();
    }
    // Above the last point, where a falling curve never goes, the plot is white.
    assertThat(img.getRGB(last.x - 2, first.y + 5) & 0xffffff).isEqualTo(0xffffff);
  }

  private static boolean nearLine(BufferedImage img, Point p) {
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        Color c = new Color(img.getRGB(p.x + dx, p.y + dy));
        if (Math.abs(c.getRed() - LinePlot.LINE.getRed()) < 30 && Math.abs(c.getGreen() - LinePlot.LINE.getGreen()) < 30
            && Math.abs(c.getBlue() - LinePlot.LINE.getBlue()) < 30) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void textFormSummarisesTheSeries() {
    assertThat(LinePlot.of("Training loss", "step", "loss", List.of(2.0, 1.5, 0.75)).toString())
        .isEqualTo("Training loss: 3 points, loss 2.000 -> 0.7500");
  }

  @Test
  void aFlatOrSinglePointSeriesStillPlots() {
    LinePlot one = LinePlot.of("t", "x", "y", List.of(1.0));
    assertThat(one.pixel(0).y).isBetween(28, 360 - 40);
    assertThat(one.toPng()).isNotEmpty();
  }

  @Test
  void notFiniteValuesAreRefused() {
    assertThatThrownBy(() -> LinePlot.of("t", "x", "y", List.of(1.0, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("point 1 is not finite: (2.0, NaN)");
  }
}
