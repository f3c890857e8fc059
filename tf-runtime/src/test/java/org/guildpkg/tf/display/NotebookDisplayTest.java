package org.guildpkg.tf.display;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

/** The kernel's own renderer, as IJava's display(...) uses it, turns our displays into MIME data. */
class NotebookDisplayTest {
  private final Renderer renderer = new Renderer();

  @Test
  void kernelRendersAPlotAsPngWithATextFallback() throws IOException {
    DisplayData d = renderer.render(Notebook.plot("Training loss", "step", "loss", List.of(2.0, 1.0, 0.5)));

    BufferedImage png = ImageIO.read(new ByteArrayInputStream(
        Base64.getDecoder().decode((String) d.getData(MIMEType.IMAGE_PNG))));
    assertThat(png.getWidth()).isEqualTo(640);
    assertThat(d.getData(MIMEType.TEXT_PLAIN)).isEqualTo("Training loss: 3 points, loss 2.000 -> 0.5000");
    assertThat(d.hasDataForType(MIMEType.TEXT_HTML)).isFalse();
  }

  @Test
  void kernelRendersSignaturesAsHtml() {
    try (SavedModel model = SavedModel.open(Fixtures.halfPlusTwo())) {
      DisplayData d = renderer.render(Notebook.signatures(model));

      assertThat((String) d.getData(MIMEType.TEXT_HTML)).contains(">serving_default<", ">float32<");
      assertThat((String) d.getData(MIMEType.TEXT_PLAIN)).contains("serving_default");
      assertThat(Notebook.signatures(model).toDisplayData().getData(MIMEType.TEXT_HTML))
          .isEqualTo(d.getData(MIMEType.TEXT_HTML));
    }
  }
}
