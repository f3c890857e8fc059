package org.guildpkg.examples.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.guildpkg.GuildPackage;
import org.guildpkg.testsupport.Curl;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.serve.ModelServer;
import org.guildpkg.tf.testing.UsePackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trained convnet package served with TensorFlow Serving's REST API ({@link ModelServer} on an
 * ephemeral loopback port): real Fashion-MNIST test images sent over HTTP, by Java's HttpClient and
 * by {@code curl} in another process, come back as their classes. The images checked against their
 * true labels are the first {@value #RIGHT} that the same model classifies correctly in-process
 * (CI's briefly trained model is right about 80% of the time); the first {@value #FIRST} images,
 * right or wrong, must get exactly the in-process answers.
 *
 * <p>Needs {@code fashion-mnist-convnet+fashion-mnist}: .ci/run trains one briefly and puts its
 * archive in {@code examples/target/archives}; without it the class is skipped with the reason.
 */
class FashionMnistConvnetServingTest {
  static final String NAME = "fashion-mnist-convnet+fashion-mnist";
  /** How many correctly classified images are sent and checked against their true labels. */
  static final int RIGHT = 12;
  /** How many of the first test images must get the in-process answers, whatever they are. */
  static final int FIRST = 20;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();

  @UsePackage("fashion-mnist") static Dataset data;
  /** The package the server loads and serves under its name. */
  @UsePackage(NAME) static GuildPackage pkg;
  /** The same package opened in this JVM: the in-process answers. */
  @UsePackage(NAME) static SavedModel model;

  static ModelServer server;
  static URI url;
  static byte[][] images;
  static long[] labels;
  static List<Prediction> inProcess;
  /** Indexes of the first {@link #RIGHT} test images the model classifies correctly in-process. */
  static int[] right;

  @BeforeAll
  static void serve() {
    SplitArrays test = data.split("test").toArrays();
    int n = 500;
    images = Arrays.copyOf(test.uint8("image"), n);
    labels = Arrays.copyOf(test.int64Scalars("label"), n);
    inProcess = Classifier.of(model).classifyBatch(images);
    right = IntStream.range(0, n).filter(i -> inProcess.get(i).index() == labels[i]).limit(RIGHT).toArray();
    assertThat(right).as("test images the model gets right in-process, of the first " + n).hasSize(RIGHT);
    server = ModelServer.builder().start();
    server.add(pkg);
    url = server.uri(NAME);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rowFormPredictsTheTrueClassOfTestImages() throws Exception {
    JsonNode reply = post(url + ":predict", rowRequest(right, true));
    JsonNode predictions = reply.get("predictions");
    assertThat(predictions).as(reply.toString()).hasSize(RIGHT);
    for (int k = 0; k < RIGHT; k++) {
      int i = right[k];
      JsonNode p = predictions.get(k);
      assertThat(p.get("classes").asLong()).as("classes of test image %d", i).isEqualTo(labels[i]);
      assertThat(argmax(p.get("probabilities"))).as("argmax of probabilities of test image %d", i)
          .isEqualTo(labels[i]);
    }
  }

  @Test
  void columnarFormPredictsTheTrueClassOfTestImages() throws Exception {
    JsonNode reply = post(url + ":predict", columnarRequest(right));
    JsonNode outputs = reply.get("outputs");
    assertThat(outputs.get("classes")).as(reply.toString()).hasSize(RIGHT);
    assertThat(outputs.get("probabilities")).hasSize(RIGHT);
    for (int k = 0; k < RIGHT; k++) {
      int i = right[k];
      assertThat(outputs.get("classes").get(k).asLong()).as("classes of test image %d", i).isEqualTo(labels[i]);
      assertThat(argmax(outputs.get("probabilities").get(k))).as("argmax of probabilities of test image %d", i)
          .isEqualTo(labels[i]);
    }
  }

  @Test
  void httpAnswersEqualTheInProcessAnswersForTheFirstImages() throws Exception {
    int[] first = IntStream.range(0, FIRST).toArray();
    // Unnamed row form: the signature has one input, so an instance may be the image itself.
    JsonNode rows = post(url + ":predict", rowRequest(first, false)).get("predictions");
    JsonNode columns = post(url + ":predict", columnarRequest(first)).get("outputs");
    assertThat(rows).hasSize(FIRST);
    for (int i = 0; i < FIRST; i++) {
      Prediction expected = inProcess.get(i);
      assertThat(rows.get(i).get("classes").asInt()).as("classes of test image %d, row form", i)
          .isEqualTo(expected.index());
      assertThat(columns.get("classes").get(i).asInt()).as("classes of test image %d, columnar form", i)
          .isEqualTo(expected.index());
      assertSameProbabilities(rows.get(i).get("probabilities"), expected, i);
      assertSameProbabilities(columns.get("probabilities").get(i), expected, i);
    }
  }

  @Test
  void curlInAnotherProcessGetsTheTrueClass(@TempDir Path dir) throws Exception {
    // The name as a user types it: '+' is a plain character in a URL path.
    String endpoint = server.uri() + "/v1/models/" + NAME + ":predict";
    Path rows = dir.resolve("rows.json");
    Files.writeString(rows, rowRequest(right, true));
    JsonNode predictions = JSON.readTree(Curl.ok("-H", "Content-Type: application/json",
        "--data-binary", "@" + rows, endpoint)).get("predictions");
    Path columns = dir.resolve("columns.json");
    Files.writeString(columns, columnarRequest(right));
    JsonNode outputs = JSON.readTree(Curl.ok("--data-binary", "@" + columns, endpoint)).get("outputs");
    assertThat(predictions).hasSize(RIGHT);
    for (int k = 0; k < RIGHT; k++) {
      int i = right[k];
      assertThat(predictions.get(k).get("classes").asLong()).as("classes of test image %d, row form", i)
          .isEqualTo(labels[i]);
      assertThat(argmax(predictions.get(k).get("probabilities"))).as("argmax, row form, image %d", i)
          .isEqualTo(labels[i]);
      assertThat(outputs.get("classes").get(k).asLong()).as("classes of test image %d, columnar form", i)
          .isEqualTo(labels[i]);
      assertThat(argmax(outputs.get("probabilities").get(k))).as("argmax, columnar form, image %d", i)
          .isEqualTo(labels[i]);
    }
  }

  @Test
  void metadataShowsTheServingDefaultSignatureTakingUint8Images() throws Exception {
    JsonNode status = get(url.toString());
    assertThat(status.at("/model_version_status/0/state").asText()).as(status.toString()).isEqualTo("AVAILABLE");
    JsonNode meta = get(url + "/metadata");
    assertThat(meta.at("/model_spec/name").asText()).isEqualTo(NAME);
    JsonNode sig = meta.at("/metadata/signature_def/signature_def/serving_default");
    assertThat(sig.get("method_name").asText()).as(meta.toString()).isEqualTo("tensorflow/serving/predict");
    assertThat(sig.get("inputs").size()).isEqualTo(1);
    assertThat(sig.at("/inputs/image/dtype").asText()).isEqualTo("DT_UINT8");
    assertThat(sizes(sig.at("/inputs/image/tensor_shape"))).containsExactly(-1L, 28L, 28L);
    assertThat(sig.at("/outputs/classes/dtype").asText()).isEqualTo("DT_INT64");
    assertThat(sizes(sig.at("/outputs/classes/tensor_shape"))).containsExactly(-1L);
    assertThat(sig.at("/outputs/probabilities/dtype").asText()).isEqualTo("DT_FLOAT");
    assertThat(sizes(sig.at("/outputs/probabilities/tensor_shape"))).containsExactly(-1L, 10L);
    // The package version is a label of the served version.
    JsonNode byLabel = get(url + "/labels/" + pkg.version().value() + "/metadata");
    assertThat(byLabel.at("/model_spec/version").asText()).isEqualTo(meta.at("/model_spec/version").asText());
  }

  @Test
  void thirtyTrainRequestsAreRefusedAndTheConvnetsAnswerDoesNotChange() throws Exception {
    String blank = "[" + String.join(",", java.util.Collections.nCopies(28,
        "[" + String.join(",", java.util.Collections.nCopies(28, "0")) + "]")) + "]";
    String predict = "{\"instances\": [{\"image\": " + blank + "}]}";
    HttpResponse<String> before = send(url + ":predict", predict);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    String train = "{\"signature_name\": \"train\", \"inputs\": {\"image\": [" + blank
        + "], \"label\": [3]}}";
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = send(url + ":predict", train);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }
    assertThat(JSON.readTree(send(url + ":predict", predict).body()))
        .isEqualTo(JSON.readTree(before.body()));
  }

  @Test
  void classifyIsRefusedBecauseServingDefaultIsAPredictSignature() throws Exception {
    HttpResponse<String> r = send(url + ":classify", "{\"examples\": [{\"image\": [1, 2, 3]}]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).get("error").asText())
        .isEqualTo("Expected classification signature method_name to be tensorflow/serving/classify."
            + " Was: tensorflow/serving/predict");
  }

  @Test
  void concurrentRequestsBatchedOnTheServerGetTheirOwnAnswers() throws Exception {
    try (ModelServer batching = ModelServer.builder().batching(ModelServer.Batching.defaults()).start()) {
      batching.add(pkg);
      List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
      for (int i = 0; i < FIRST; i++) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(batching.uri(NAME) + ":predict"))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(rowRequest(new int[] {i}, true))).build();
        replies.add(CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < FIRST; i++) {
        HttpResponse<String> r = replies.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode p = JSON.readTree(r.body()).get("predictions").get(0);
        assertThat(p.get("classes").asInt()).as("classes of test image %d", i).isEqualTo(inProcess.get(i).index());
        assertSameProbabilities(p.get("probabilities"), inProcess.get(i), i);
      }
    }
  }

  // ---- requests and replies ---------------------------------------------------------------------

  /** {"instances": [{"image": [[28 pixels], ... 28 rows]}, ...]}, or without the input's name. */
  static String rowRequest(int[] indexes, boolean named) {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode instances = doc.putArray("instances");
    for (int i : indexes) {
      if (named) {
        instances.addObject().set("image", image(i));
      } else {
        instances.add(image(i));
      }
    }
    return doc.toString();
  }

  /** {"inputs": {"image": [image, image, ...]}}. */
  static String columnarRequest(int[] indexes) {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode column = doc.putObject("inputs").putArray("image");
    for (int i : indexes) {
      column.add(image(i));
    }
    return doc.toString();
  }

  /** Test image {@code i} as 28 lists of 28 uint8 values. */
  static ArrayNode image(int i) {
    ArrayNode rows = JSON.createArrayNode();
    for (int r = 0; r < 28; r++) {
      ArrayNode row = rows.addArray();
      for (int c = 0; c < 28; c++) {
        row.add(images[i][r * 28 + c] & 0xff);
      }
    }
    return rows;
  }

  static int argmax(JsonNode probabilities) {
    assertThat(probabilities).hasSize(10);
    int best = 0;
    for (int c = 1; c < probabilities.size(); c++) {
      if (probabilities.get(c).asDouble() > probabilities.get(best).asDouble()) {
        best = c;
      }
    }
    return best;
  }

  static void assertSameProbabilities(JsonNode actual, Prediction expected, int image) {
    float[] want = expected.probabilities().orElseThrow();
    assertThat(actual).hasSize(want.length);
    for (int c = 0; c < want.length; c++) {
      // Batches of another size may take other kernels: equal up to float rounding.
      assertThat(actual.get(c).asDouble()).as("probability of class %d for test image %d", c, image)
          .isCloseTo(want[c], within(1e-5));
    }
  }

  static List<Long> sizes(JsonNode tensorShape) {
    assertThat(tensorShape.path("unknown_rank").asBoolean()).isFalse();
    List<Long> out = new ArrayList<>();
    tensorShape.get("dim").forEach(d -> out.add(d.get("size").asLong()));
    return out;
  }

  static JsonNode get(String uri) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", uri, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static JsonNode post(String uri, String body) throws Exception {
    HttpResponse<String> r = send(uri, body);
    assertThat(r.statusCode()).as("POST %s: %s", uri, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static HttpResponse<String> send(String uri, String body) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
