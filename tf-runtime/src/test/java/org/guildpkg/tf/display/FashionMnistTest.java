package org.guildpkg.tf.display;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.IdxConverter;
import org.guildpkg.tf.data.TFRecordCompression;

/** Fashion-MNIST's real test split (Debian's files) as a dataset folder, for the display tests. */
final class FashionMnistTest {
  static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  private static final Path FMNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private FashionMnistTest() {}

  static Dataset testSplit(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("dataset.json"),
        "{\"classes\": " + new ObjectMapper().writeValueAsString(CLASSES) + "}");
    IdxConverter.convert(FMNIST.resolve("t10k-images-idx3-ubyte.gz"), FMNIST.resolve("t10k-labels-idx1-ubyte.gz"),
        dir, "test", 2, TFRecordCompression.NONE);
    return Dataset.open(dir);
  }

  static Path halfPlusTwo() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("testdata/tf-serving/saved_model_half_plus_two_cpu/00000123").normalize();
  }
}
