package org.guildpkg.tf.train;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/** Test helper: Debian's real Fashion-MNIST IDX files, read directly, as batches of tensors. */
public final class FashionMnistFiles {
  public static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  final byte[] images; // n * 784
  final long[] labels;

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
  InMemoryExamples examples() {
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
