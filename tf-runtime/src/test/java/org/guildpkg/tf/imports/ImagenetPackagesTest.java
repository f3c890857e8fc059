package org.guildpkg.tf.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.classify.ClassProbability;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.model.Deployer;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.serve.ModelServer;
import org.guildpkg.tf.testing.UpstreamSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The mobilenet-v2+ilsvrc2012 example package, built from its upstream files (found on
 * GUILD_SOURCES), installed, and asked about the four photos through every door: the Java API,
 * {@code guild predict}, REST with b64 images, and a TensorFlow Serving layout written by the
 * deployer and loaded again.
 */
class ImagenetPackagesTest {
  static final String NAME = "mobilenet-v2+ilsvrc2012";
  static final ObjectMapper JSON = new ObjectMapper();
  /** Photo file, expected top-1 class. */
  static final Map<String, String> PHOTOS = Map.of(
      "grace_hopper.bmp", "military uniform",
      "cat.bmp", "Egyptian cat",
      "parrot.jpg", "macaw",
      "hot_dog.jpg", "hotdog, hot dog, red hot");

  @TempDir static Path tmp;
  static Path home;
  static Path archive;
  static Path photos;

  @BeforeAll
  static void buildAndInstall() throws IOException {
    // Skipped, with the reason, when the upstream files are not on the source search path.
    ImagenetFiles.require(ImagenetFiles.MOBILENET_V2, ImagenetFiles.MOBILENET_V2_SHA);
    ImagenetFiles.require(ImagenetFiles.LABELS, ImagenetFiles.LABELS_SHA);
    photos = ImagenetFiles.require(ImagenetFiles.GRACE_HOPPER, ImagenetFiles.GRACE_HOPPER_SHA).getParent();
    home = tmp.resolve("home");
    // The example package as it is: its URL sources are found on the source search path.
    Path pkg = Path.of("").toAbsolutePath().getParent().resolve("examples/packages").resolve(NAME);
    archive = PackageBuilder.forDirectory(pkg).output(tmp).home(home).offline(true)
        .sources(UpstreamSources.searchPath()).build();
    GuildPackages.at(home).install(archive.toString());
  }

  @Test
  void manifestCarriesTheImageInterfaceAndTheClassNames() {
    Manifest m = ArchiveReader.readManifest(archive);
    JsonNode image = m.interfaceData().get("image");
    assertThat(image.get("input").asText()).isEqualTo("image_bytes");
    assertThat(image.get("height").asInt()).isEqualTo(224);
    assertThat(image.get("width").asInt()).isEqualTo(224);
    assertThat(image.get("mean").asDouble()).isEqualTo(128.0);
    assertThat(image.get("std").asDouble()).isEqualTo(128.0);
    assertThat(image.get("resize").asText()).contains("whole image");
    assertThat(m.interfaceData().get("classes")).hasSize(1001);
    assertThat(m.interfaceData().get("classes").get(0).asText()).isEqualTo("background");
    assertThat(m.interfaceData().get("signatures").get("serving_default").get("inputs").get("image_bytes")
        .get("dtype").asText()).isEqualTo("string");
    assertThat(m.interfaceData().get("signatures").has("features")).isTrue();
  }

  @Test
  void javaApiNamesTheFourPhotosFromPathsImagesAndBytes() throws IOException {
    try (SavedModel model = GuildPackages.at(home).load(NAME).as(SavedModel.class)) {
      Classifier c = Classifier.of(model);
      assertThat(c.takesImages()).isTrue();
      for (Map.Entry<String, String> e : PHOTOS.entrySet()) {
        Path photo = photos.resolve(e.getKey());
        Prediction fromPath = c.classifyImage(photo);
        assertThat(fromPath.label()).as(e.getKey()).isEqualTo(e.getValue());
        List<ClassProbability> top = c.top(fromPath, 5);
        assertThat(top).hasSize(5);
        assertThat(top.get(0).label()).isEqualTo(e.getValue());
        assertThat(top).isSortedAccordingTo((a, b) -> Float.compare(b.probability(), a.probability()));
        BufferedImage img = ImageIO.read(photo.toFile());
        assertThat(c.classifyImage(img).label()).as(e.getKey() + " as BufferedImage").isEqualTo(e.getValue());
      }
      Prediction hopper = c.classifyImage(Files.readAllBytes(photos.resolve("grace_hopper.bmp")));
      assertThat(hopper.probability().orElseThrow()).isBetween(0.85f, 0.95f);
      // One batch of the four gives the same answers as one at a time.
      List<String> names = new ArrayList<>(PHOTOS.keySet());
      List<byte[]> bytes = new ArrayList<>();
      for (String n : names) {
        bytes.add(Files.readAllBytes(photos.resolve(n)));
      }
      List<Prediction> batch = c.classifyImages(bytes);
      for (int i = 0; i < names.size(); i++) {
        assertThat(batch.get(i).label()).isEqualTo(PHOTOS.get(names.get(i)));
      }
    }
  }

  @Test
  void corruptImagesAreClearErrorsInJava() throws IOException {
    try (SavedModel model = GuildPackages.at(home).load(NAME).as(SavedModel.class)) {
      Classifier c = Classifier.of(model);
      Path text = Files.writeString(tmp.resolve("notes.txt"), "not a picture\n");
      assertThatThrownBy(() -> c.classifyImage(text))
          .isInstanceOf(GuildException.class)
          .hasMessageStartingWith(text + ": not a JPEG, PNG, BMP or GIF image");
      byte[] jpeg = Files.readAllBytes(photos.resolve("parrot.jpg"));
      byte[] truncated = java.util.Arrays.copyOf(jpeg, 600);
      assertThatThrownBy(() -> c.classifyImage(truncated))
          .isInstanceOf(GuildException.class)
          .hasMessageContaining("not an image the model can decode");
      assertThatThrownBy(() -> c.classifyImages(List.of(jpeg, truncated)))
          .isInstanceOf(GuildException.class)
          .hasMessageStartingWith("image 1: ");
      // The model still answers afterwards.
      assertThat(c.classifyImage(jpeg).label()).isEqualTo("macaw");
    }
  }

  @Test
  void guildPredictPrintsTopKAsJson() throws IOException {
    List<String> args = new ArrayList<>(List.of("--home", home.toString(), "predict", NAME, "--top", "3", "--json"));
    List<String> names = List.of("grace_hopper.bmp", "cat.bmp", "parrot.jpg", "hot_dog.jpg");
    names.forEach(n -> args.add(photos.resolve(n).toString()));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertThat(r.status()).as(r.err()).isZero();
    JsonNode out = JSON.readTree(r.out());
    assertThat(out).hasSize(4);
    for (int i = 0; i < names.size(); i++) {
      JsonNode o = out.get(i);
      assertThat(o.get("file").asText()).endsWith(names.get(i));
      assertThat(o.get("top")).hasSize(3);
      assertThat(o.get("top").get(0).get("label").asText()).isEqualTo(PHOTOS.get(names.get(i)));
      assertThat(o.get("top").get(0).get("probability").asDouble())
          .isGreaterThan(o.get("top").get(1).get("probability").asDouble());
    }
  }

  @Test
  void guildPredictReadsTensorFlowServingInstancesAndRefusesNonImagesInOneLine() throws IOException {
    Path json = tmp.resolve("instances.json");
    Files.writeString(json, "{\"instances\": [{\"b64\": \""
        + Base64.getEncoder().encodeToString(Files.readAllBytes(photos.resolve("hot_dog.jpg"))) + "\"}]}");
    Cli r = Cli.run("--home", home.toString(), "predict", NAME, json.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith(json + "#0\n").contains("hotdog");

    Path text = Files.writeString(tmp.resolve("readme.txt"), "hello\n");
    Cli bad = Cli.run("--home", home.toString(), "predict", NAME, text.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().strip()).startsWith("guild: " + text + ": not a JPEG, PNG, BMP or GIF image").doesNotContain("\n");
  }

  @Test
  void restAnswersB64ImagesWithProbabilitiesAndClassNamesAnd400ForNonImages() throws Exception {
    try (ModelServer server = ModelServer.builder().start()) {
      server.add(GuildPackages.at(home).load(NAME));
      URI uri = URI.create(server.uri() + "/v1/models/" + NAME.replace("+", "%2B") + ":predict");
      StringBuilder body = new StringBuilder("{\"instances\": [");
      List<String> names = List.of("grace_hopper.bmp", "cat.bmp", "parrot.jpg", "hot_dog.jpg");
      for (int i = 0; i < names.size(); i++) {
        body.append(i > 0 ? "," : "").append("{\"image_bytes\": {\"b64\": \"")
            .append(Base64.getEncoder().encodeToString(Files.readAllBytes(photos.resolve(names.get(i))))).append("\"}}");
      }
      body.append("]}");
      HttpResponse<String> r = post(uri, body.toString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode preds = JSON.readTree(r.body()).get("predictions");
      for (int i = 0; i < names.size(); i++) {
        assertThat(preds.get(i).get("class_names").asText()).isEqualTo(PHOTOS.get(names.get(i)));
        assertThat(preds.get(i).get("probabilities")).hasSize(1001);
      }
      HttpResponse<String> bad = post(uri, "{\"instances\": [{\"b64\": \""
          + Base64.getEncoder().encodeToString("plain text".getBytes()) + "\"}]}");
      assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).get("error").asText()).isNotBlank();
    }
  }

  @Test
  void deployedLayoutLoadsAgainAndNamesThePhotos() throws IOException {
    Deployer.Deployment d = Deployer.to(tmp.resolve("serving")).deploy(
        GuildPackages.at(home).load(NAME).path(), "mobilenet", OptionalLong.empty());
    try (SavedModel model = SavedModel.open(d.path())) {
      Classifier c = Classifier.of(model);
      assertThat(c.classes()).hasSize(1001);
      for (Map.Entry<String, String> e : PHOTOS.entrySet()) {
        assertThat(c.classifyImage(photos.resolve(e.getKey())).label()).isEqualTo(e.getValue());
      }
    }
  }

  static HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The real {@code guild} command line run in-process. */
  record Cli(int status, String out, String err) {
    static Cli run(String... args) {
      CommandLine cl = GuildCli.commandLine();
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      cl.setOut(new java.io.PrintWriter(out, true));
      cl.setErr(new java.io.PrintWriter(err, true));
      return new Cli(cl.execute(args), out.toString(), err.toString());
    }
  }

  @AfterAll
  static void done() {}
}
