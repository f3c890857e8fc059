package org.guildpkg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.spec.PackageType;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * The fashion-mnist example package, built by {@link PackageBuilder} from Debian's real
 * Fashion-MNIST files (its packager runs {@code guild tfrecord from-idx}), unpacked in the store's
 * layout and read through the Dataset view.
 */
class FashionMnistPackageTest {
  static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  @TempDir static Path work;
  static Path archive;
  static Manifest manifest;
  static Path installed;

  static Path packageFolder() {
    return Fixtures.repoRoot().resolve("examples/packages/fashion-mnist");
  }

  @BeforeAll
  static void buildThePackageAndUnpackItAsTheStoreWould() throws Exception {
    archive = PackageBuilder.forDirectory(packageFolder())
        .output(work.resolve("out")).home(work.resolve("home")).progress(l -> { }).build();
    assertThat(archive.getFileName().toString()).isEqualTo("fashion-mnist-1.0.pkg.tar.zst");
    // The store's layout (CONTRACTS.md): the package's files plus .MANIFEST.json at the root.
    installed = Files.createDirectories(work.resolve("packages/fashion-mnist/1.0"));
    try (ArchiveReader r = ArchiveReader.open(archive)) {
      manifest = r.manifest();
      Files.writeString(installed.resolve(PackageFormat.MANIFEST), manifest.toJson().toString());
      for (TarArchiveEntry e; (e = r.nextDataEntry()) != null; ) {
        Path to = installed.resolve(e.getName().substring(PackageFormat.DATA_PREFIX.length()));
        if (e.isDirectory()) {
          Files.createDirectories(to);
        } else {
          Files.createDirectories(to.getParent());
          Files.copy(r.stream(), to);
        }
      }
    }
  }

  static Dataset dataset() {
    return new GuildPackage(manifest, installed).as(Dataset.class);
  }

  @Test
  void theArchiveIsADatasetPackageWhoseManifestDescribesItsFiles() {
    assertThat(manifest.type()).isEqualTo(PackageType.DATASET);
    assertThat(manifest.license()).isEqualTo("MIT");
    ObjectNode iface = manifest.interfaceData();
    assertThat(iface.at("/splits/train/examples").asLong()).isEqualTo(60_000);
    assertThat(iface.at("/splits/train/files").toString()).isEqualTo(
        "[\"train-00000-of-00004.tfrecord\",\"train-00001-of-00004.tfrecord\","
            + "\"train-00002-of-00004.tfrecord\",\"train-00003-of-00004.tfrecord\"]");
    assertThat(iface.at("/splits/test/examples").asLong()).isEqualTo(10_000);
    assertThat(iface.at("/splits/test/compression").asText()).isEqualTo("none");
    assertThat(iface.at("/features/image").toString())
        .isEqualTo("{\"dtype\":\"uint8\",\"shape\":[28,28],\"encoding\":\"raw\"}");
    assertThat(iface.at("/features/label").toString())
        .isEqualTo("{\"dtype\":\"int64\",\"shape\":[],\"encoding\":\"raw\"}");
    assertThat(iface.get("classes")).hasSize(10);
  }

  @Test
  void theInstalledFolderOpensByItsManifestAndNamesTheTenClasses() {
    assertThat(Dataset.open(installed).classes()).isEqualTo(CLASSES);
    assertThat(dataset().classes()).isEqualTo(CLASSES);
    assertThat(dataset().split("train").files()).allMatch(Files::isRegularFile);
  }

  static long[] histogram(SplitArrays a) {
    long[] h = new long[10];
    for (long l : a.int64Scalars("label")) {
      h[(int) l]++;
    }
    return h;
  }

  @Test
  void trainHoldsSixtyThousandExamplesSixThousandPerClass() {
    SplitArrays train = dataset().split("train").toArrays();
    assertThat(train.size()).isEqualTo(60_000);
    assertThat(histogram(train)).containsOnly(6_000L);
    assertThat(train.uint8("image")[0]).hasSize(784);
  }

  @Test
  void testHoldsTenThousandExamplesOneThousandPerClass() {
    SplitArrays test = dataset().split("test").toArrays();
    assertThat(test.size()).isEqualTo(10_000);
    assertThat(histogram(test)).containsOnly(1_000L);
  }

  @Test
  void theTrainSplitBatchesIntoTensorsOf128() {
    long examples = 0;
    int batches = 0;
    try (BatchIterator it = dataset().split("train").batches(128).shuffle(10_000, 42).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          assertThat(b.uint8("image").shape()).isEqualTo(Shape.of(b.size(), 28, 28));
          assertThat(b.int64("label").shape()).isEqualTo(Shape.of(b.size()));
          examples += b.size();
          batches++;
        }
      }
    }
    assertThat(examples).isEqualTo(60_000);
    assertThat(batches).isEqualTo(469);
  }

  @Test
  void theGuildPkgsChecksumsAreThoseOfDebiansFiles() throws Exception {
    String pkg = Files.readString(packageFolder().resolve("GuildPkg"));
    assertThat(pkg).contains("type = dataset", "license = MIT");
    java.util.regex.Matcher urls = java.util.regex.Pattern.compile("file://(\\S+)").matcher(pkg);
    java.util.regex.Matcher sums = java.util.regex.Pattern.compile("\\b[0-9a-f]{64}\\b").matcher(pkg);
    int n = 0;
    while (urls.find()) {
      assertThat(sums.find()).isTrue();
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(Path.of(urls.group(1))));
      assertThat(java.util.HexFormat.of().formatHex(digest)).as(urls.group(1)).isEqualTo(sums.group());
      n++;
    }
    assertThat(n).isEqualTo(4);
  }
}
