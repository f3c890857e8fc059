package org.guildpkg.tf.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.guildpkg.cli.CliRun.guild;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackages;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.imports.ImagenetFiles;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.serve.ModelServer;
import org.guildpkg.tf.testing.UpstreamSources;
import org.junit.jupiter.api.BeforeAll;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer learning end to end on real parts: mobilenet-v2+ilsvrc2012 built from its TFLite file,
 * a 500-train / 300-test subset of the CIFAR-10 images made into a dataset by {@code guild tfrecord
 * from-images}, {@code guild train --model ... --dataset ...}, the feature cache reused by a second
 * run, and the packaged {@code mobilenet-v2+cifar10} asked through {@code guild predict}, REST and
 * Java. Skipped, with the reason, when the upstream files are not on the source search path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransferLearningTest {
  static final String PARENT = "mobilenet-v2+ilsvrc2012";
  static final String CIFAR = "CIFAR-10-images-d7d0561.tar.gz";
  static final String CIFAR_SHA = "cc01296b8d645ea8f05f6d62ef7e0d2fe90b3fa5fec346f69eae72c1a653170f";
  static final int TRAIN_PER_CLASS = 50;
  static final int TEST_PER_CLASS = 30;

  @TempDir static Path tmp;
  static Path home;
  static Path images;
  static Path dataset;
  static Path project;

  @BeforeAll
  static void setUp() throws IOException {
    ImagenetFiles.require(ImagenetFiles.MOBILENET_V2, ImagenetFiles.MOBILENET_V2_SHA);
    ImagenetFiles.require(ImagenetFiles.LABELS, ImagenetFiles.LABELS_SHA);
    Path tarball = UpstreamSources.require(CIFAR, CIFAR_SHA);
    home = tmp.resolve("home");
    Path pkg = Path.of("").toAbsolutePath().getParent().resolve("examples/packages").resolve(PARENT);
    Path archive = PackageBuilder.forDirectory(pkg).output(tmp).home(home).offline(true)
        .sources(UpstreamSources.searchPath()).build();
    GuildPackages.at(home).install(archive.toString());
    images = tmp.resolve("images");
    extractSubset(tarball, images);
    dataset = tmp.resolve("cifar10");
    CliRun conv = guild(home, "tfrecord", "from-images", images.toString(), "--output", dataset.toString());
    assertThat(conv.status()).as(conv.err()).isZero();
    project = tmp.resolve("p");
  }

  /** The first images of each class: {@code split/class/NNNN.jpg}, 0000 up. */
  static void extractSubset(Path tarball, Path out) throws IOException {
    try (InputStream in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tarball)))) {
      TarArchiveInputStream tar = (TarArchiveInputStream) in;
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        String[] parts = e.getName().split("/");
        if (e.isDirectory() || parts.length != 4 || !parts[3].matches("\\d{4}\\.jpg")) {
          continue;
        }
        int index = Integer.parseInt(parts[3].substring(0, 4));
        int limit = parts[1].equals("train") ? TRAIN_PER_CLASS : parts[1].equals("test") ? TEST_PER_CLASS : 0;
        if (index < limit) {
          Path f = out.resolve(parts[1]).resolve(parts[2]).resolve(parts[3]);
          Files.createDirectories(f.getParent());
          Files.copy(tar, f);
        }
      }
    }
  }

  @Test
  @Order(1)
  void retrainsOnTheSubsetThenASecondRunReusesTheCachedFeatures() throws IOException {
    CliRun first = guild(home, "train", "-C", project.toString(), "--model", PARENT, "--dataset", dataset.toString(),
        "--epochs", "20", "--flag", "hidden=256", "--json");
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.err()).contains("features of train: 500/500 images").contains("features of test: 300/300 images")
        .contains("features of test-mirrored: 300/300 images");
    JsonNode out = RunFolder.JSON.readTree(first.out());
    JsonNode metrics = out.get("metrics");
    // Chance is 0.1; a head on mobilenet-v2's features learns CIFAR-10 from 50 images a class.
    assertThat(metrics.get("accuracy").asDouble()).as(first.out()).isGreaterThan(0.5);
    assertThat(metrics.get("examples").asInt()).isEqualTo(300);
    assertThat(metrics.get("extracted_images").asInt()).isEqualTo(1100);
    assertThat(metrics.get("features").asText()).isEqualTo("spatial");
    assertThat(metrics.get("mirror").asBoolean()).isTrue();
    assertThat(metrics.get("accuracy_without_mirror").asDouble()).isGreaterThan(0.5);
    RunFolder run = RunFolder.open(project.resolve("runs"), "1");
    JsonNode info = run.info();
    assertThat(info.at("/parent/name").asText()).isEqualTo(PARENT);
    assertThat(info.at("/parent/sha256").asText()).hasSize(64);
    assertThat(info.at("/feature_cache/extracted").asInt()).isEqualTo(1100);
    // MobileNet v2's 7x7x1280 map on a 2x2 grid, and the averages of its 320-, 160- and 96-wide blocks.
    assertThat(info.at("/feature_cache/dim").asInt()).isEqualTo(4 * 1280 + 320 + 160 + 96);
    assertThat(FeatureCache.part(Path.of(info.at("/feature_cache/test_mirrored").asText()), 0)).isRegularFile();
    Path trainCache = FeatureCache.part(Path.of(info.at("/feature_cache/train").asText()), 0);
    assertThat(trainCache).isRegularFile().startsWith(TransferLearning.cacheFolder(home));
    try (Stream<Path> s = Files.list(run.path())) {
      assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("events.out.tfevents."));
    }
    assertThat(run.checkpoints()).isDirectory();
    assertThat(run.model().resolve("saved_model.pb")).isRegularFile();
    FileTime written = Files.getLastModifiedTime(trainCache);

    CliRun second = guild(home, "train", "-C", project.toString(), "--model", PARENT, "--dataset", dataset.toString(),
        "--steps", "40", "--flag", "hidden=0", "--flag", "learning_rate=0.01", "--json");
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.err()).doesNotContain("features of");
    JsonNode info2 = RunFolder.open(project.resolve("runs"), "2").info();
    assertThat(info2.at("/feature_cache/extracted").asInt()).isZero();
    assertThat(info2.at("/feature_cache/train").asText()).isEqualTo(trainCache.getParent().toString());
    assertThat(Files.getLastModifiedTime(trainCache)).isEqualTo(written);
    assertThat(RunFolder.JSON.readTree(second.out()).at("/metrics/extracted_images").isMissingNode()).isTrue();
  }

  @Test
  @Order(2)
  void thePackagedModelNamesCifarClassesThroughPredictRestAndJava() throws Exception {
    CliRun pack = guild(home, "package", project.toString(), "--run", "1", "--output", tmp.resolve("out").toString());
    assertThat(pack.status()).as(pack.err()).isZero();
    Path archive = Path.of(pack.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(archive.getFileName().toString()).startsWith("mobilenet-v2+cifar10-1.0.1");
    Manifest m = ArchiveReader.readManifest(archive);
    assertThat(m.interfaceData().at("/lineage/parent/name").asText()).isEqualTo(PARENT);
    assertThat(m.interfaceData().at("/lineage/parent/version").asText()).isEqualTo("1.0");
    assertThat(m.interfaceData().at("/lineage/dataset/name").asText()).isEqualTo("cifar10");
    assertThat(m.interfaceData().at("/image/height").asInt()).isEqualTo(224);
    assertThat(m.interfaceData().at("/image/mean").asDouble()).isEqualTo(128.0);
    assertThat(m.interfaceData().get("classes")).hasSize(10);
    assertThat(m.interfaceData().at("/classes/0").asText()).isEqualTo("airplane");
    assertThat(m.interfaceData().path("signatures").has("features")).isTrue();
    assertThat(guild(home, "install", archive.toString()).status()).isZero();
    CliRun info = guild(home, "info", "mobilenet-v2+cifar10");
    assertThat(info.out()).contains("retrained from").contains(PARENT + "@1.0 on cifar10@");

    // Two held-out test images of each class, by file path.
    List<String> classes = new ArrayList<>();
    m.interfaceData().get("classes").forEach(c -> classes.add(c.asText()));
    List<Path> photos = new ArrayList<>();
    for (String c : classes) {
      photos.add(images.resolve("test").resolve(c).resolve("0000.jpg"));
      photos.add(images.resolve("test").resolve(c).resolve("0001.jpg"));
    }
    List<String> args = new ArrayList<>(List.of("predict", "mobilenet-v2+cifar10", "--json"));
    photos.forEach(p -> args.add(p.toString()));
    CliRun predict = guild(home, args.toArray(String[]::new));
    assertThat(predict.status()).as(predict.err()).isZero();
    JsonNode preds = RunFolder.JSON.readTree(predict.out());
    List<String> byPredict = new ArrayList<>();
    int right = 0;
    for (int i = 0; i < photos.size(); i++) {
      String label = preds.get(i).at("/top/0/label").asText();
      byPredict.add(label);
      assertThat(classes).contains(label);
      right += label.equals(photos.get(i).getParent().getFileName().toString()) ? 1 : 0;
    }
    assertThat(right).as(byPredict.toString()).isGreaterThanOrEqualTo(10);

    try (ModelServer server = ModelServer.builder().start()) {
      server.add(GuildPackages.at(home).load("mobilenet-v2+cifar10"));
      URI uri = URI.create(server.uri() + "/v1/models/mobilenet-v2%2Bcifar10:predict");
      StringBuilder body = new StringBuilder("{\"instances\": [");
      for (int i = 0; i < photos.size(); i++) {
        body.append(i > 0 ? "," : "").append("{\"image_bytes\": {\"b64\": \"")
            .append(Base64.getEncoder().encodeToString(Files.readAllBytes(photos.get(i)))).append("\"}}");
      }
      body.append("]}");
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode rest = RunFolder.JSON.readTree(r.body()).get("predictions");
      for (int i = 0; i < photos.size(); i++) {
        assertThat(rest.get(i).get("class_names").asText()).isEqualTo(byPredict.get(i));
        assertThat(rest.get(i).get("probabilities")).hasSize(10);
      }
    }

    try (SavedModel model = GuildPackages.at(home).load("mobilenet-v2+cifar10").as(SavedModel.class)) {
      Classifier c = Classifier.of(model);
      assertThat(c.takesImages()).isTrue();
      List<byte[]> bytes = new ArrayList<>();
      for (Path p : photos) {
        bytes.add(Files.readAllBytes(p));
      }
      List<Prediction> java = c.classifyImages(bytes);
      for (int i = 0; i < photos.size(); i++) {
        assertThat(java.get(i).label()).isEqualTo(byPredict.get(i));
      }
    }
  }

  @Test
  @Order(3)
  void theRetrainedModelAnswersTheAverageOfAnImageAndItsMirrorImage() throws IOException {
    // Run 3: run 1's flags but without the mirror; its head is trained on the same cached features.
    CliRun plain = guild(home, "train", "-C", project.toString(), "--model", PARENT, "--dataset", dataset.toString(),
        "--epochs", "20", "--flag", "hidden=256", "--flag", "mirror=false", "--json");
    assertThat(plain.status()).as(plain.err()).isZero();
    assertThat(plain.err()).doesNotContain("features of");
    float[] px = pixels(images.resolve("test/horse/0003.jpg"));
    float[] both = new float[2 * px.length];
    System.arraycopy(px, 0, both, 0, px.length);
    int row = 224 * 3;
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        System.arraycopy(px, y * row + x * 3, both, px.length + y * row + (223 - x) * 3, 3);
      }
    }
    float[] mirrored = probabilities(RunFolder.open(project.resolve("runs"), "1").model(), both);
    float[] alone = probabilities(RunFolder.open(project.resolve("runs"), "3").model(), both);
    float differ = 0;
    for (int k = 0; k < 10; k++) {
      differ = Math.max(differ, Math.abs(alone[k] - alone[10 + k]));
      float mean = (alone[k] + alone[10 + k]) / 2;
      assertThat(mirrored[k]).as("class %d", k).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(mirrored[10 + k]).as("class %d of the mirror image", k).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-4f));
    }
    // The image and its mirror image get different answers from a model that does not average them
    // (by far more than the tolerance above, which covers two runs' float rounding).
    assertThat(differ).as("the largest difference").isGreaterThan(2e-3f);

    // Run 4 also trains on the train images' mirror images: computed once, kept apart.
    CliRun augmented = guild(home, "train", "-C", project.toString(), "--model", PARENT, "--dataset",
        dataset.toString(), "--steps", "8", "--flag", "mirror_train=true", "--json");
    assertThat(augmented.status()).as(augmented.err()).isZero();
    assertThat(augmented.err()).contains("features of train-mirrored: 500/500 images")
        .doesNotContain("features of train:").doesNotContain("features of test");
    JsonNode info = RunFolder.open(project.resolve("runs"), "4").info();
    assertThat(info.at("/feature_cache/train_mirrored").asBoolean()).isTrue();
    assertThat(info.at("/feature_cache/train_examples").asInt()).isEqualTo(500);
    assertThat(info.at("/feature_cache/extracted").asInt()).isEqualTo(500);
  }

  /** The {@code images} signature's probabilities of a batch of 224x224 RGB pixels. */
  static float[] probabilities(Path model, float[] pixels) {
    int n = pixels.length / (224 * 224 * 3);
    try (SavedModelBundle b = SavedModelBundle.load(model.toString(), SavedModelBundle.DEFAULT_TAG);
        TFloat32 in = TFloat32.tensorOf(Shape.of(n, 224, 224, 3), DataBuffers.of(pixels, true, false));
        Result r = b.function("images").call(Map.of("images", in))) {
      TFloat32 p = (TFloat32) r.get("probabilities").orElseThrow();
      float[] out = new float[(int) p.size()];
      p.asRawTensor().data().asFloats().read(out);
      return out;
    }
  }

  /** A photo's pixels resized (nearest) to 224x224, RGB 0-255, row by row. */
  static float[] pixels(Path photo) throws IOException {
    BufferedImage im = ImageIO.read(photo.toFile());
    float[] out = new float[224 * 224 * 3];
    for (int y = 0; y < 224; y++) {
      for (int x = 0; x < 224; x++) {
        int rgb = im.getRGB(x * im.getWidth() / 224, y * im.getHeight() / 224);
        int o = (y * 224 + x) * 3;
        out[o] = (rgb >> 16) & 0xff;
        out[o + 1] = (rgb >> 8) & 0xff;
        out[o + 2] = rgb & 0xff;
      }
    }
    return out;
  }

  @Test
  @Order(4)
  void aDatasetOfDecodedPixelsIsOneLineAndLeavesNoRun() throws IOException {
    Path decoded = tmp.resolve("decoded");
    Path few = tmp.resolve("few");
    for (String c : List.of("airplane", "cat")) {
      Path d = Files.createDirectories(few.resolve(c));
      Files.copy(images.resolve("train").resolve(c).resolve("0000.jpg"), d.resolve("0000.jpg"));
    }
    assertThat(guild(home, "tfrecord", "from-images", few.toString(), "--output", decoded.toString(), "--decode").status())
        .isZero();
    Path q = tmp.resolve("q");
    CliRun r = guild(home, "train", "-C", q.toString(), "--model", PARENT, "--dataset", decoded.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("guild: ").contains("has no encoded image feature").doesNotContain("\n");
    assertThat(q.resolve("runs")).doesNotExist();
  }

  @Test
  @Order(5)
  void spatialFeaturesOfAParentWhoseFeaturesAreNotAnAverageIsOneLine() {
    // mobilenet-v2+cifar10 (installed by the packaging test) answers its features through the head's graph.
    Path q = tmp.resolve("q2");
    CliRun r = guild(home, "train", "-C", q.toString(), "--model", "mobilenet-v2+cifar10", "--dataset", dataset.toString());
    assertThat(r.status()).as(r.err()).isEqualTo(1);
    // What is being done, then the error in one line.
    List<String> lines = r.err().strip().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("retraining mobilenet-v2+cifar10");
    assertThat(lines.get(1)).startsWith("guild: mobilenet-v2+cifar10").contains("not the average of a feature map")
        .contains("--flag features=pooled");
    assertThat(q.resolve("runs")).doesNotExist();
  }

  @Test
  void aParentWithoutFeaturesIsOneLine() {
    Path halfPlusTwo = Path.of("").toAbsolutePath().getParent()
        .resolve("testdata/tf-serving/saved_model_half_plus_two_cpu/00000123");
    assertThatThrownBy(() -> FeatureExtractor.load(halfPlusTwo, "half-plus-two@1.0", FeatureRecipe.SPATIAL))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("half-plus-two@1.0 has no 'features' signature")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aTruncatedCacheFileIsNeverReadAsComplete() throws IOException {
    Path f = tmp.resolve("cache-test/train.features");
    Files.createDirectories(f.getParent());
    // A header that promises 10 images of width 4, and only half the data.
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + 80 + 80).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("GUILDFC1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(4).putLong(10);
    Files.write(f, b.array());
    assertThatThrownBy(() -> FeatureCache.read(f)).isInstanceOf(GuildException.class).hasMessageContaining("damaged");
  }
}
