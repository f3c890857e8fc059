package org.guildpkg.tf.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.IdxConverter;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.data.TFRecordCompression;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The repository's test fixtures, one copy for every module's tests (tf-runtime's test jar): the
 * real SavedModels that TensorFlow Serving's tests use, vendored in testdata/tf-serving/;
 * Fashion-MNIST's test split as a dataset folder; and a nearest-centroid classifier exported by
 * TensorFlow as a SavedModel that follows the model interface's {@code serving_default}.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Path repoRoot() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize();
  }

  public static Path tfServing() {
    return repoRoot().resolve("testdata/tf-serving").normalize();
  }

  public static Path halfPlusTwo() {
    return tfServing().resolve("saved_model_half_plus_two_cpu/00000123");
  }

  public static Path halfPlusTwoTf2() {
    return tfServing().resolve("saved_model_half_plus_two_tf2_cpu/00000123");
  }

  public static Path halfPlusThree() {
    return tfServing().resolve("saved_model_half_plus_three/00000123");
  }

  public static Path counter() {
    return tfServing().resolve("saved_model_counter/00000123");
  }

  /** A serialized tf.Example with one float feature, as TensorFlow Serving's regress API builds. */
  public static byte[] example(String feature, float value) {
    return Example.newBuilder()
        .setFeatures(Features.newBuilder().putFeature(
            feature, Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(value)).build()))
        .build()
        .toByteArray();
  }

  /** Fashion-MNIST's class names, by label. */
  public static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final ObjectMapper JSON = new ObjectMapper();


  /** The test split converted to TFRecords in {@code dir} ({@code shards} files), with the class names. */
  public static Dataset testSplit(Path dir, int shards) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("dataset.json"), "{\"classes\": " + JSON.writeValueAsString(CLASSES) + "}");
    IdxConverter.convert(FashionMnistFiles.TEST_IMAGES, FashionMnistFiles.TEST_LABELS, dir, "test", shards,
        TFRecordCompression.NONE);
    return Dataset.open(dir);
  }

  /**
   * Exports a nearest-centroid classifier: logits = 2 x.mu_c - |mu_c|^2 (the negative squared
   * distance up to a constant), {@code probabilities} = softmax, {@code classes} = argmax. With
   * {@code classes} true, a {@code .MANIFEST.json} beside it names the classes, as a model
   * package's folder does.
   */
  public static Path centroidModel(Path dir, SplitArrays data, boolean withManifest) throws IOException {
    byte[][] images = data.uint8("image");
    long[] labels = data.int64Scalars("label");
    int n = Math.min(5000, images.length);
    double[][] sum = new double[10][784];
    int[] count = new int[10];
    for (int i = 0; i < n; i++) {
      int c = (int) labels[i];
      count[c]++;
      for (int j = 0; j < 784; j++) {
        sum[c][j] += images[i][j] & 0xff;
      }
    }
    float[][] w = new float[784][10];
    float[] b = new float[10];
    for (int c = 0; c < 10; c++) {
      double norm = 0;
      for (int j = 0; j < 784; j++) {
        double mu = sum[c][j] / count[c] / 255.0;
        w[j][c] = (float) (2 * mu);
        norm += mu * mu;
      }
      b[c] = (float) -norm;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TUint8> image = tf.placeholder(TUint8.class, Placeholder.shape(Shape.of(-1, 28, 28)));
      Operand<TFloat32> x = tf.math.div(
          tf.reshape(tf.dtypes.cast(image, TFloat32.class), tf.constant(new long[] {-1, 784})),
          tf.constant(255f));
      Operand<TFloat32> logits = tf.math.add(
          tf.linalg.matMul(x, tf.constant(StdArrays.ndCopyOf(w))), tf.constant(b));
      Operand<TFloat32> probabilities = tf.nn.softmax(logits);
      Operand<TInt64> classes = tf.math.argMax(logits, tf.constant(1), TInt64.class);
      try (Session s = new Session(g)) {
        Signature sig = Signature.builder().key("serving_default").input("image", image)
            .output("probabilities", probabilities).output("classes", classes).build();
        SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(sig, s)).export();
      }
    }
    if (withManifest) {
      ObjectNode m = JSON.createObjectNode();
      m.put("name", "centroids+fashion-mnist").put("version", "1").put("type", "model");
      m.putObject("interface").set("classes", JSON.valueToTree(CLASSES));
      Files.writeString(dir.resolve(PackageFormat.MANIFEST), m.toString());
    }
    return dir;
  }
}
