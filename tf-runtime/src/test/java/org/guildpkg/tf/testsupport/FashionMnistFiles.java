package org.guildpkg.tf.testsupport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.train.InputSpec;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The real Fashion-MNIST IDX files as Debian's dataset-fashion-mnist installs them: their paths,
 * and the files read directly into batches of tensors or in-memory examples. The one copy for
 * every module's tests (tf-runtime's test jar).
 */
public final class FashionMnistFiles {
  /** Where Debian's package puts the files. */
  public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** The 60,000 training images. */
  public static final Path TRAIN_IMAGES = DIR.resolve("train-images-idx3-ubyte.gz");
  /** Their labels. */
  public static final Path TRAIN_LABELS = DIR.resolve("train-labels-idx1-ubyte.gz");
  /** The 10,000 test images. */
  public static final Path TEST_IMAGES = DIR.resolve("t10k-images-idx3-ubyte.gz");
  /** Their labels. */
  public static final Path TEST_LABELS = DIR.resolve("t10k-labels-idx1-ubyte.gz");

  /**
   * Writes a dataset folder in {@code dir}: {@code dataset.json} with the class names and the
   * {@code train} split (and the {@code test} split when asked) as one TFRecord shard each.
   */
  public static Path datasetFolder(Path dir, boolean withTest) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("dataset.json"), "{\"classes\": "
        + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(InputSpec.fashionMnist().classes()) + "}");
    org.guildpkg.tf.data.IdxConverter.convert(TRAIN_IMAGES, TRAIN_LABELS, dir, "train", 1,
        org.guildpkg.tf.data.TFRecordCompression.NONE);
    if (withTest) {
      org.guildpkg.tf.data.IdxConverter.convert(TEST_IMAGES, TEST_LABELS, dir, "test", 1,
          org.guildpkg.tf.data.TFRecordCompression.NONE);
    }
    return dir;
  }

  /** The images, 784 bytes each. */
  public final byte[] images;
  /** The labels, one per image. */
  public final long[] labels;

  private FashionMnistFiles(byte[] images, long[] labels) {
    this.images = images;
    this.labels = labels;
  }

  /** The "train" (60,000) or "t10k" (10,000) split. */
  public static FashionMnistFiles read(String split) {
    try {
      byte[] img = body(DIR.resolve(split + "-images-idx3-ubyte.gz"), 16);
      byte[] lab = body(DIR.resolve(split + "-labels-idx1-ubyte.gz"), 8);
      long[] labels = new long[lab.length];
      for (int i = 0; i < lab.length; i++) {
        labels[i] = lab[i] & 0xff;
      }
      return new FashionMnistFiles(img, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] body(Path gz, int header) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(gz)))) {
      in.skipNBytes(header);
      return in.readAllBytes();
    }
  }

  /** The split as training examples with Fashion-MNIST's features and classes. */
  public InMemoryExamples examples() {
    return new InMemoryExamples(InputSpec.fashionMnist(), Map.of("image", images), labels);
  }

  private static final Map<String, InMemoryExamples> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  /** The "train" or "t10k" split as examples, read once per test JVM. */
  public static InMemoryExamples split(String split) {
    return CACHE.computeIfAbsent(split, s -> read(s).examples());
  }

  public int size() {
    return labels.length;
  }

  /** Examples [from, from + n) as {@code image} and {@code label} tensors; close them. */
  public Map<String, Tensor> batch(int from, int n) {
    n = Math.min(n, size() - from);
    byte[] img = new byte[n * 784];
    System.arraycopy(images, from * 784, img, 0, n * 784);
    long[] lab = new long[n];
    System.arraycopy(labels, from, lab, 0, n);
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("image", TUint8.tensorOf(Shape.of(n, 28, 28), DataBuffers.of(img, true, false)));
    m.put("label", TInt64.tensorOf(Shape.of(n), DataBuffers.of(lab, true, false)));
    return m;
  }

  public static void close(Map<String, Tensor> batch) {
    batch.values().forEach(Tensor::close);
  }
}
