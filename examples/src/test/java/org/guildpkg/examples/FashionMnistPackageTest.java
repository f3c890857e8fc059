package org.guildpkg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

/**
 * The fashion-mnist example package, built from Debian's real Fashion-MNIST files by its own
 * packager under real bash, inspected as packaging does, and read through the Dataset view.
 */
class FashionMnistPackageTest {
  static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  @TempDir static Path work;
  static Path pkgdir;
  static ObjectNode iface;

  static Path packageFolder() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).resolve("examples/packages/fashion-mnist");
  }

  @BeforeAll
  static void runThePackagerAndTheInspectors() throws Exception {
    Path srcdir = Files.createDirectories(work.resolve("src"));
    pkgdir = Files.createDirectories(work.resolve("pkg"));
    for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
      Files.copy(Path.of("/usr/share/datasets/fashion-mnist", f), srcdir.resolve(f));
    }
    // `guild` on PATH, running this JVM's class path, as packagers expect.
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path guild = bin.resolve("guild");
    Files.writeString(guild, "#!/usr/bin/env bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
        + "' -cp '" + System.getProperty("java.class.path") + "' org.guildpkg.cli.GuildCli \"$@\"\n");
    Files.setPosixFilePermissions(guild, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder pb = new ProcessBuilder("bash", "-ec",
        "source \"$startdir/packager\"; package")
        .directory(srcdir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("packager.log").toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("srcdir", srcdir.toString());
    pb.environment().put("pkgdir", pkgdir.toString());
    pb.environment().put("startdir", packageFolder().toString());
    pb.environment().put("pkgname", "fashion-mnist");
    pb.environment().put("pkgver", "1.0");
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(work.resolve("packager.log"))).isZero();
    iface = JsonNodeFactory.instance.objectNode();
    for (PackageInspector i : PackageInspector.all()) {
      i.inspect(manifest(JsonNodeFactory.instance.objectNode()), pkgdir, iface);
    }
  }

  static Manifest manifest(ObjectNode data) {
    return new Manifest(PackageName.of("fashion-mnist"), Version.parse("1.0"), PackageType.DATASET,
        "Fashion-MNIST", List.of(), "MIT", List.of(), List.of(), null, Optional.empty(), data);
  }

  static Dataset dataset() {
    return new GuildPackage(manifest(iface), pkgdir).as(Dataset.class);
  }

  @Test
  void theManifestNamesTheSplitsTheFeaturesAndTheTenClasses() {
    assertThat(iface.at("/splits/train/examples").asLong()).isEqualTo(60_000);
    assertThat(iface.at("/splits/train/files")).hasSize(4);
    assertThat(iface.at("/splits/test/examples").asLong()).isEqualTo(10_000);
    assertThat(iface.at("/splits/test/compression").asText()).isEqualTo("none");
    assertThat(iface.at("/features/image").toString())
        .isEqualTo("{\"dtype\":\"uint8\",\"shape\":[28,28],\"encoding\":\"raw\"}");
    assertThat(iface.at("/features/label").toString())
        .isEqualTo("{\"dtype\":\"int64\",\"shape\":[],\"encoding\":\"raw\"}");
    assertThat(dataset().classes()).isEqualTo(CLASSES);
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
