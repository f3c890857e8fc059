package org.guildpkg.tf.display;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
  @TempDir static Path dir;
  static Dataset data;
  static SplitArrays test;

  @BeforeAll
  static void convert() throws IOException {
    data = Fixtures.testSplit(dir.resolve("fmnist"), 2);
    test = data.split("test").toArrays();
  }

  @Test
  void pngGridHoldsTheSplitsFirstImagesPixelForPixel() throws IOException {
    ImageGrid grid = ImageGrid.of(data.split("test"), 12).columns(5).scale(1);

    BufferedImage png = ImageIO.read(new ByteArrayInputStream(grid.toPng()));

    assertThat(png).isNotNull();
    // 5 columns of 84-pixel cells (wide enough for a caption) and 3 rows of 28 + 17 pixels, 4 apart.
    assertThat(png.getWidth()).isEqualTo(4 + 5 * (84 + 4));
    assertThat(png.getHeight()).isEqualTo(4 + 3 * (28 + 17 + 4));
    byte[][] images = test.uint8("image");
    for (int i = 0; i < 12; i++) {
      Rectangle r = grid.imageBounds(i);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          int v = images[i][y * 28 + x] & 0xff;
          assertThat(png.getRGB(r.x + x, r.y + y) & 0xffffff)
              .as("image %d pixel (%d, %d)", i, x, y)
              .isEqualTo((v << 16) | (v << 8) | v);
        }
      }
    }
  }

  @Test
  void captionsAreTheClassNamesOfTheLabels() {
    ImageGrid grid = ImageGrid.of(data.split("test"), 10);

    long[] labels = test.int64Scalars("label");
    for (int i = 0; i < 10; i++) {
      assertThat(grid.captions().get(i)).isEqualTo(Fixtures.CLASSES.get((int) labels[i]));
    }
    // Fashion-MNIST's first test image is an ankle boot.
    assertThat(grid.captions().get(0)).isEqualTo("Ankle boot");
    assertThat(grid.toMimeBundle().text()).startsWith("10 images 28x28: Ankle boot, ");
  }

  @Test
  void scaleDrawsEachPixelAsASquare() {
    ImageGrid grid = ImageGrid.of(data.split("test"), 3).scale(3);

    BufferedImage img = grid.toImage();

    Rectangle r = grid.imageBounds(2);
    assertThat(r.width).isEqualTo(84);
    byte[] image = test.uint8("image")[2];
    for (int y = 0; y < 84; y++) {
      for (int x = 0; x < 84; x++) {
        int v = image[(y / 3) * 28 + x / 3] & 0xff;
        assertThat(img.getRGB(r.x + x, r.y + y) & 0xff).isEqualTo(v);
      }
    }
    assertThat(img.getWidth()).isEqualTo(4 + 3 * (84 + 4));
  }

  @Test
  void rgbImagesKeepTheirColoursAndUncaptionedCellsAreAsWideAsTheImage() {
    byte[] red = new byte[2 * 3 * 3];
    for (int p = 0; p < 6; p++) {
      red[p * 3] = (byte) 200;
      red[p * 3 + 2] = (byte) 10;
    }
    ImageGrid grid = ImageGrid.of(List.of(red, red), List.of(), 2, 3, 3).scale(1);

    BufferedImage img = grid.toImage();

    assertThat(img.getWidth()).isEqualTo(4 + 2 * (3 + 4));
    assertThat(img.getHeight()).isEqualTo(4 + 2 + 4);
    Rectangle r = grid.imageBounds(1);
    assertThat(img.getRGB(r.x + 2, r.y + 1) & 0xffffff).isEqualTo((200 << 16) | 10);
  }

  @Test
  void imagesOfTheWrongSizeAreRefused() {
    assertThatThrownBy(() -> ImageGrid.of(List.of(new byte[10]), List.of("a"), 28, 28, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("image 0 has 10 values, not 28x28x1");
  }
}
