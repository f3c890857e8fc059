package org.guildpkg.tf.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The importers on models small enough to reason about, and their refusals. */
class ModelImportsTest {
  @TempDir Path tmp;

  static final float[][] W = {{2f, -1f, 0f, 0.5f}, {0f, 3f, -2f, 0.5f}, {-1f, 0f, 4f, 0.5f}};

  /**
   * A frozen GraphDef the test makes: input [-1, 8, 8, 3] -> mean colour -> times W -> softmax,
   * so the answer for a one-colour picture can be computed by hand.
   */
  Path colourGraph() throws Exception {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.withName("input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 3)));
      Operand<TFloat32> mean = tf.math.mean(in, tf.constant(new int[] {1, 2}));
      tf.withName("features").identity(mean);
      tf.withName("prob").nn.softmax(tf.linalg.matMul(mean, tf.constant(StdArrays.ndCopyOf(W))));
      Path pb = tmp.resolve("colour.pb");
      Files.write(pb, g.toGraphDef().toByteArray());
      return pb;
    }
  }

  static byte[] png(Color c, int w, int h) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D gr = img.createGraphics();
    gr.setColor(c);
    gr.fillRect(0, 0, w, h);
    gr.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static float[] expected(float r, float g, float b) {
    double[] z = new double[4];
    double sum = 0;
    for (int j = 0; j < 4; j++) {
      z[j] = Math.exp(r * W[0][j] + g * W[1][j] + b * W[2][j]);
      sum += z[j];
    }
    float[] p = new float[4];
    for (int j = 0; j < 4; j++) {
      p[j] = (float) (z[j] / sum);
    }
    return p;
  }

  @Test
  void frozenGraphDefBecomesASavedModelThatDecodesResizesAndScalesImages() throws Exception {
    Path out = tmp.resolve("colour-model");
    ModelImports.graphDef(colourGraph(), "input:0", "prob", Optional.of("features"),
        new ImageInterface(8, 8, 0, 255), List.of("red", "green", "blue", "grey"), out);
    assertThat(out.resolve(ImageModelExport.INTERFACE_FILE)).exists();
    try (SavedModel m = SavedModel.open(out)) {
      Classifier c = Classifier.of(m);
      // Any size: the whole picture is resized to 8x8; one colour stays that colour.
      Prediction p = c.classifyImage(png(new Color(255, 0, 0), 31, 17));
      assertThat(p.probabilities().orElseThrow()).containsExactly(expected(1, 0, 0), within(1e-4f));
      assertThat(c.classifyImage(png(new Color(0, 0, 255), 5, 40)).probabilities().orElseThrow())
          .containsExactly(expected(0, 0, 1), within(1e-4f));
      assertThat(c.top(p, 2).get(0).label()).isEqualTo("red");
      try (ModelResult r = m.callArrays("features",
          java.util.Map.of("image_bytes", new byte[][] {png(new Color(0, 255, 0), 9, 9)}))) {
        assertThat(r.floatMatrix("features")[0]).containsExactly(new float[] {0f, 1f, 0f}, within(1e-5f));
      }
      // The images signature takes 0..255 pixels at the model's size, and still scales them.
      float[] green = new float[8 * 8 * 3];
      for (int i = 1; i < green.length; i += 3) {
        green[i] = 255f;
      }
      try (TFloat32 t = TFloat32.tensorOf(Shape.of(1, 8, 8, 3), org.tensorflow.ndarray.buffer.DataBuffers.of(green));
          ModelResult r = m.callArrays("images", java.util.Map.of("images", t))) {
        assertThat(r.floatMatrix("probabilities")[0]).containsExactly(expected(0, 1, 0), within(1e-5f));
      }
    }
  }

  @Test
  void graphDefImportNamesAMissingTensorAndLeavesNothingBehind() throws Exception {
    Path pb = colourGraph();
    Path out = tmp.resolve("never");
    assertThatThrownBy(() -> ModelImports.graphDef(pb, "pixels", "prob", Optional.empty(),
        new ImageInterface(8, 8, 0, 255), List.of("a", "b", "c", "d"), out))
        .isInstanceOf(GuildException.class)
        .hasMessage(pb + ": no node 'pixels' (the --input tensor) in the GraphDef");
    assertThatThrownBy(() -> ModelImports.graphDef(pb, "input", "prob", Optional.empty(),
        new ImageInterface(8, 8, 0, 255), List.of("a", "b"), out))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("gives 4 class probabilities but the labels name 2 classes");
    assertThat(out).doesNotExist();
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void tinyMobilenetImportsWithTheScalingItsInputQuantizationSays() throws Exception {
    Path tflite = ImagenetFiles.require(ImagenetFiles.MOBILENET_V1_025, ImagenetFiles.MOBILENET_V1_025_SHA);
    Path labels = ImagenetFiles.require(ImagenetFiles.LABELS, ImagenetFiles.LABELS_SHA);
    Path out = tmp.resolve("tiny");
    ImageInterface image = ModelImports.tflite(tflite, ModelImports.labels(labels), Optional.empty(), out);
    assertThat(image).isEqualTo(new ImageInterface(128, 128, 128, 128));
    try (SavedModel m = SavedModel.open(out)) {
      Prediction p = Classifier.of(m).classifyImage(png(Color.ORANGE, 64, 48));
      double sum = 0;
      for (float v : p.probabilities().orElseThrow()) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-3));
      assertThat(m.signature("features").orElseThrow().outputs().get("features").dims()).containsExactly(-1L, 256L);
    }
  }

  @Test
  void tf2PostTrainingQuantizedMobilenetWithQuantizeAndMeanImports() throws Exception {
    Path tflite = ImagenetFiles.require(ImagenetFiles.TF2_MOBILENET_V2, ImagenetFiles.TF2_MOBILENET_V2_SHA);
    Path labels = ImagenetFiles.require(ImagenetFiles.LABELS, ImagenetFiles.LABELS_SHA);
    Path photo = ImagenetFiles.require(ImagenetFiles.GRACE_HOPPER, ImagenetFiles.GRACE_HOPPER_SHA);
    Path out = tmp.resolve("tf2");
    ImageInterface image = ModelImports.tflite(tflite, ModelImports.labels(labels), Optional.empty(), out);
    // Its int8 input (zero point -1, scale 1/127.5) holds pixel - 128.
    assertThat(image.mean()).isEqualTo(127.0);
    assertThat(image.std()).isCloseTo(127.5, within(1e-3));
    try (SavedModel m = SavedModel.open(out)) {
      Classifier c = Classifier.of(m);
      assertThat(c.classifyImage(photo).label()).isEqualTo("military uniform");
    }
  }

  @Test
  void unknownOperatorIsOneLineNamingTheOperatorAndTheFile() {
    Path f = Path.of("lstm.tflite");
    TfliteModel.TensorInfo in = new TfliteModel.TensorInfo(0, "in", TfliteModel.FLOAT32, new int[] {1, 8, 8, 3},
        ByteBuffer.allocate(0), new float[0], new long[0], 0);
    TfliteModel.TensorInfo o = new TfliteModel.TensorInfo(1, "out", TfliteModel.FLOAT32, new int[] {1, 4},
        ByteBuffer.allocate(0), new float[0], new long[0], 0);
    TfliteModel model = new TfliteModel(f, List.of(in, o),
        List.of(new TfliteModel.OperatorInfo(16, "", new int[] {0}, new int[] {1}, null)), new int[] {0}, new int[] {1});
    assertThatThrownBy(() -> new TfliteGraph(model))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("lstm.tflite: operator LSTM is not supported by the TensorFlow Lite importer")
        .hasMessageNotContaining("\n");
  }

  @Test
  void notATfliteFileIsOneLine() throws Exception {
    Path f = Files.writeString(tmp.resolve("model.tflite"), "hello, not a flatbuffer");
    assertThatThrownBy(() -> TfliteModel.read(f))
        .isInstanceOf(GuildException.class)
        .hasMessage(f + ": not a TensorFlow Lite model (no TFL3 file identifier at byte 4)");
    byte[] head = Files.readAllBytes(ImagenetFiles.require(ImagenetFiles.MOBILENET_V1_025, ImagenetFiles.MOBILENET_V1_025_SHA));
    Path cut = Files.write(tmp.resolve("cut.tflite"), java.util.Arrays.copyOf(head, 4096));
    assertThatThrownBy(() -> TfliteModel.read(cut))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith(cut + ": damaged TensorFlow Lite model");
  }
}
