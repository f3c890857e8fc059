package org.guildpkg.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.mirror.MirrorConfig;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.Publisher;
import org.guildpkg.mirror.SigningKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.IdxConverter;
import org.guildpkg.tf.data.TFRecordCompression;
import org.guildpkg.tf.train.InputSpec;
import org.guildpkg.tf.train.DatasetExamples;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.author.Features;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.train.InMemoryExamples;
import org.guildpkg.tf.author.Layers;
import org.guildpkg.tf.author.ModelCode;
import org.guildpkg.tf.train.TensorBatch;
import org.guildpkg.tf.train.TrainableModel;
import org.junit.jupiter.api.Assumptions;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Test fixture, made once per test JVM: the real Fashion-MNIST dataset package (built from
 * Debian's dataset-fashion-mnist as examples/packages/fashion-mnist does), a small softmax model
 * trained on it for a few hundred steps and packed as a model package, both published to a
 * signed {@code file://} mirror, installed in a driver home, and the model's one-machine
 * evaluation on the test split ({@link Evaluator}, as {@code guild evaluate} does it).
 */
final class PackagesFixture {
  static final Path FASHION_MNIST_IDX = Path.of("/usr/share/datasets/fashion-mnist");
  static final String DATASET = "fashion-mnist@1.0";
  static final String MODEL = "fashion-mnist-spark-softmax@1";

  final Path root;
  final URI mirror;
  final KeyPair keys;
  final Path driverHome;
  final Evaluation oneMachine;

  private static PackagesFixture instance;

  private PackagesFixture(Path root, URI mirror, KeyPair keys, Path driverHome, Evaluation oneMachine) {
    this.root = root;
    this.mirror = mirror;
    this.keys = keys;
    this.driverHome = driverHome;
    this.oneMachine = oneMachine;
  }

  /** The fixture, built on first use; skips the test when Debian's Fashion-MNIST files are absent. */
  static synchronized PackagesFixture get() {
    Assumptions.assumeTrue(Files.isDirectory(FASHION_MNIST_IDX),
        "needs Debian's dataset-fashion-mnist (" + FASHION_MNIST_IDX + "); apt-get install dataset-fashion-mnist");
    if (instance == null) {
      try {
        instance = build();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** The repository's root folder. */
  static Path repoRoot() {
    String p = System.getProperty("guild.repoRoot");
    return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
  }

  private static PackagesFixture build() throws IOException {
    Path root = Files.createTempDirectory("guild-spark-test");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "guild-spark-test-cleanup"));
    Path out = root.resolve("archives");
    Path buildHome = root.resolve("build-home");
    Path datasetArchive = PackageBuilder.forDirectory(fashionMnistFolder(root.resolve("fashion-mnist")))
        .output(out).home(buildHome).build();
    GuildHome build = GuildPackages.at(buildHome).offline(true);
    Dataset data = Dataset.of(build.install(datasetArchive.toString()).get(0));

    Path modelDir = root.resolve("model-src");
    InMemoryExamples train = DatasetExamples.load(data.split("train"));
    InMemoryExamples test = DatasetExamples.load(data.split("test"));
    Evaluation e;
    try (TrainableModel m = TrainableModel.build(new Softmax(), Flags.resolve(Map.of(), Map.of()), train.spec(), 7)) {
      Iterator<TensorBatch> it = train.batches(100, OptionalLong.of(7));
      for (int step = 0; step < 300 && it.hasNext(); step++) {
        try (TensorBatch b = it.next()) {
          m.trainStep(b.tensors());
        }
      }
      m.export(modelDir);
      e = Evaluator.evaluate(m, test, 1000, n -> {});
    }
    Files.writeString(modelDir.resolve("GuildPkg"),
        "[package]\nname = fashion-mnist-spark-softmax\nversion = 1\ntype = model\n"
            + "description = softmax regression trained briefly on Fashion-MNIST (guild-spark tests)\n");
    Path modelArchive = PackageBuilder.forDirectory(modelDir).output(out).home(buildHome).build();

    KeyPair keys = SigningKeys.generate(root.resolve("keys"));
    Path mirrorDir = Files.createDirectories(root.resolve("mirror"));
    URI mirror = mirrorDir.toUri();
    Publisher.publish(List.of(datasetArchive, modelArchive), mirror, Optional.of(keys.getPrivate()));

    Path driverHome = root.resolve("driver-home");
    configureMirror(driverHome, mirror, keys);
    GuildPackages.at(driverHome).install(DATASET, MODEL);
    assertThat(e.examples()).isEqualTo(10_000);
    return new PackagesFixture(root, mirror, keys, driverHome, e);
  }

  /**
   * The folder examples/packages/fashion-mnist's packager makes, made in this JVM (the packager
   * would start three more): Debian's IDX files as TFRecords, train in 4 shards, test in 1.
   */
  private static Path fashionMnistFolder(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("GuildPkg"), "[package]\nname = fashion-mnist\nversion = 1.0\ntype = dataset\n"
        + "description = Fashion-MNIST from Debian's dataset-fashion-mnist (guild-spark tests)\nlicense = MIT\n");
    Files.writeString(dir.resolve("dataset.json"), new ObjectMapper().writeValueAsString(
        Map.of("classes", InputSpec.fashionMnist().classes())));
    IdxConverter.convert(FASHION_MNIST_IDX.resolve("train-images-idx3-ubyte.gz"),
        FASHION_MNIST_IDX.resolve("train-labels-idx1-ubyte.gz"), dir, "train", 4, TFRecordCompression.NONE);
    IdxConverter.convert(FASHION_MNIST_IDX.resolve("t10k-images-idx3-ubyte.gz"),
        FASHION_MNIST_IDX.resolve("t10k-labels-idx1-ubyte.gz"), dir, "test", 1, TFRecordCompression.NONE);
    return dir;
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary folder is all that is lost
    }
  }

  /** Points a (new) home at the test mirror, trusting its key. */
  static void configureMirror(Path home, URI mirror, KeyPair keys) throws IOException {
    Files.createDirectories(home);
    MirrorConfig.load(home).add(new MirrorSpec("test", mirror, Optional.of(keys.getPublic())));
  }

  /** Multinomial logistic regression on the pixels: small, quick to train, far better than chance. */
  public static final class Softmax implements ModelCode {
    /** Creates the model code. */
    public Softmax() {}

    @Override
    public Operand<TFloat32> logits(Layers net, Features features) {
      return net.dense("softmax", net.flatten(features.get("image")), net.numClasses(), false);
    }
  }
}
