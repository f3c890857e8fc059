package org.guildpkg.tf.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.model.ModelSignature;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.model.TensorSpec;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

class HtmlTablesTest {

  @Test
  void signatureTableHoldsEverySignatureWithItsInputsAndOutputs() {
    try (SavedModel model = SavedModel.open(Fixtures.halfPlusTwo())) {
      MimeBundle b = HtmlTables.signatures(model);
      String html = b.html().orElseThrow();
      for (ModelSignature s : model.signatures()) {
        assertThat(html).contains("<td style=\"text-align:left\">" + s.key() + "</td>");
        assertThat(b.text()).contains(s.key());
      }
      assertThat(html)
          .contains("<td style=\"text-align:left\">serving_default</td>"
              + "<td style=\"text-align:left\">tensorflow/serving/predict</td>"
              + "<td style=\"text-align:left\">input</td><td style=\"text-align:left\">x</td>"
              + "<td style=\"text-align:left\">float32</td><td style=\"text-align:left\">[-1, 1]</td>")
          .contains("<td style=\"text-align:left\">output</td><td style=\"text-align:left\">y</td>")
          .startsWith("<div").endsWith("</div>")
          .contains(">Signatures of 00000123</caption>");
      assertThat(b.text()).containsPattern("serving_default +tensorflow/serving/predict +input +x +float32 +\\[-1, 1\\]");
    }
  }

  @Test
  void signatureTableEscapesHtmlAndShowsUnknownRanks() {
    ModelSignature s = new ModelSignature("a<b>&c", "", Map.of(
        "in\"put", new TensorSpec("x:0", DataType.DT_STRING, List.of(), true)), Map.of());
    String html = HtmlTables.signatures("Title <1>", List.of(s)).html().orElseThrow();

    assertThat(html).contains("a&lt;b&gt;&amp;c", "in&quot;put", "Title &lt;1&gt;", ">string<", ">unknown<")
        .doesNotContain("a<b>");
  }

  @Test
  void datasetTablesShowFeaturesSplitsAndClassNames(@TempDir Path dir) throws IOException {
    Dataset data = Fixtures.testSplit(dir, 2);

    MimeBundle b = HtmlTables.dataset(data);

    String html = b.html().orElseThrow();
    assertThat(html)
        .contains("<td style=\"text-align:left\">image</td><td style=\"text-align:left\">uint8</td>"
            + "<td style=\"text-align:left\">[28, 28]</td><td style=\"text-align:left\">raw</td>")
        .contains("<td style=\"text-align:left\">label</td><td style=\"text-align:left\">int64</td>"
            + "<td style=\"text-align:left\">[]</td>")
        .contains("<td style=\"text-align:left\">test</td><td style=\"text-align:left\">10000</td>"
            + "<td style=\"text-align:left\">2</td><td style=\"text-align:left\">none</td>")
        .contains("<td style=\"text-align:left\">9</td><td style=\"text-align:left\">Ankle boot</td>");
    for (String c : Fixtures.CLASSES) {
      assertThat(html).contains(c);
      assertThat(b.text()).contains(c);
    }
    assertThat(b.text()).containsPattern("image +uint8 +\\[28, 28\\] +raw").contains("Features", "Splits", "Classes");
  }
}
