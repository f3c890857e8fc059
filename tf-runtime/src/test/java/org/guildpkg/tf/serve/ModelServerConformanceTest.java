package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.guildpkg.testsupport.Curl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/**
 * TensorFlow Serving's REST API against its own test SavedModels, checking the answers its
 * documentation and handler tests give, through Java's HttpClient and through curl.
 */
class ModelServerConformanceTest {
  static ModelServer server;
  static URI base;

  @BeforeAll
  static void start() {
    // The counter's writing signatures are served only when named (they change the model).
    server = ModelServer.builder().allowSignature("incr_counter").allowSignature("incr_counter_by")
        .allowSignature("reset_counter").start();
    Path fx = Http.tfServing();
    server.add("half_plus_two", fx.resolve("saved_model_half_plus_two_cpu"));
    server.add("half_plus_two_tf2", fx.resolve("saved_model_half_plus_two_tf2_cpu"));
    server.add("half_plus_three", fx.resolve("saved_model_half_plus_three"));
    server.add("counter", fx.resolve("saved_model_counter/00000123"));
    // TensorFlow Serving's metadata fixture was taken from a model served as "default".
    server.add("default", fx.resolve("saved_model_half_plus_two_cpu/00000123"));
    base = server.uri();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<Double> numbers(JsonNode array) {
    List<Double> out = new ArrayList<>();
    array.forEach(n -> out.add(n.doubleValue()));
    return out;
  }

  @Test
  void serverReportsTheVersionsItServesFromTensorFlowServingsLayout() {
    assertThat(server.models()).extracting(m -> m.name() + "@" + m.version())
        .containsExactly("counter@123", "default@123", "half_plus_three@123", "half_plus_two@123",
            "half_plus_two_tf2@123");
    assertThat(server.port()).isPositive();
    assertThat(server.uri("fashion+mnist").toString()).endsWith("/v1/models/fashion%2Bmnist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"half_plus_two", "half_plus_two_tf2", "half_plus_two/versions/123",
      "half_plus_two/labels/latest", "half_plus_two/labels/stable", "HALF_PLUS_TWO_missing"})
  void predictRowFormGivesTheDocumentedAnswers(String model) {
    Http.Reply r = Http.post(base, "/v1/models/" + model + ":predict", "{\"instances\": [1.0, 2.0, 5.0]}");
    if (model.endsWith("_missing")) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.error()).isEqualTo("Servable not found for request: Latest(HALF_PLUS_TWO_missing)");
      return;
    }
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.json().fieldNames()).toIterable().containsExactly("predictions");
    assertThat(numbers(r.json().get("predictions"))).containsExactly(2.5, 3.0, 4.5);
  }

  @Test
  void predictAnswersLikeTensorFlowServingsHandlerTests() {
    // tensorflow_serving/model_servers/http_rest_api_handler_test.cc, Predict
    Http.Reply nested = Http.post(base, "/v1/models/half_plus_two:predict",
        "{\"instances\": [[1.0, 2.0], [3.0, 4.0]]}");
    assertThat(nested.json()).isEqualTo(Http.parse("{\"predictions\": [[2.5, 3.0], [3.5, 4.0]]}"));
    Http.Reply sig = Http.post(base, "/v1/models/half_plus_two/versions/123:predict",
        "{\"signature_name\": \"serving_default\", \"instances\": [3.0, 4.0]}");
    assertThat(numbers(sig.json().get("predictions"))).containsExactly(3.5, 4.0);
    Http.Reply columnar = Http.post(base, "/v1/models/half_plus_two/versions/123:predict",
        "{\"signature_name\": \"serving_default\", \"inputs\": [3.0, 4.0]}");
    assertThat(columnar.json().fieldNames()).toIterable().containsExactly("outputs");
    assertThat(numbers(columnar.json().get("outputs"))).containsExactly(3.5, 4.0);
  }

  @Test
  void predictTakesNamedInstancesAndNamedColumnarInputs() {
    Http.Reply rows = Http.post(base, "/v1/models/half_plus_two:predict",
        "{\"instances\": [{\"x\": [1.0]}, {\"x\": [5.0]}]}");
    assertThat(rows.json()).isEqualTo(Http.parse("{\"predictions\": [[2.5], [4.5]]}"));
    Http.Reply cols = Http.post(base, "/v1/models/half_plus_two:predict",
        "{\"inputs\": {\"x\": [[1.0], [5.0]]}}");
    assertThat(cols.json()).isEqualTo(Http.parse("{\"outputs\": [[2.5], [4.5]]}"));
  }

  @Test
  void halfPlusThreeGivesItsDocumentedAnswers() {
    // tensorflow_serving/g3doc/api_rest.md, Example
    Http.Reply r = Http.post(base, "/v1/models/half_plus_three:predict", "{\"instances\": [1.0,2.0,5.0]}");
    assertThat(numbers(r.json().get("predictions"))).containsExactly(3.5, 4.0, 5.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"half_plus_two", "half_plus_two_tf2"})
  void regressTurnsExamplesIntoTfExamples(String model) {
    Http.Reply r = Http.post(base, "/v1/models/" + model + ":regress",
        "{\"signature_name\": \"regress_x_to_y\", \"examples\": [ { \"x\": 80.0 } ] }");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(Http.parse("{\"results\": [42.0]}"));
    assertThat(numbers(r.json().get("results"))).containsExactly(42.0);
  }

  @Test
  void regressAddsTheContextToEveryExample() {
    Http.Reply r = Http.post(base, "/v1/models/half_plus_two:regress",
        "{\"signature_name\": \"regress_x_to_y\", \"context\": {\"x\": 80.0}, \"examples\": [{}, {}]}");
    assertThat(numbers(r.json().get("results"))).containsExactly(42.0, 42.0);
  }

  @Test
  void classifyAnswersLabelAndScorePairs() {
    Http.Reply r = Http.post(base, "/v1/models/half_plus_two:classify",
        "{\"signature_name\": \"classify_x_to_y\", \"examples\": [ { \"x\": 20.0 } ] }");
    assertThat(r.json()).isEqualTo(Http.parse("{\"results\": [[[\"\", 12.0]]]}"));
    Http.Reply v = Http.post(base, "/v1/models/half_plus_two/versions/123:classify",
        "{\"signature_name\": \"classify_x_to_y\", \"examples\": [ { \"x\": 10.0 }, { \"x\": 2.0 } ] }");
    assertThat(v.json()).isEqualTo(Http.parse("{\"results\": [[[\"\", 7.0]], [[\"\", 3.0]]]}"));
  }

  @Test
  void predictTakesBinaryStringsAsBase64() {
    byte[] example = Example.newBuilder().setFeatures(Features.newBuilder().putFeature("x",
        Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(80f)).build())).build()
        .toByteArray();
    String b64 = Base64.getEncoder().encodeToString(example);
    Http.Reply r = Http.post(base, "/v1/models/half_plus_two:predict",
        "{\"signature_name\": \"regress_x_to_y\", \"instances\": [{\"b64\": \"" + b64 + "\"}]}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json()).isEqualTo(Http.parse("{\"predictions\": [[42.0]]}"));
  }

  @Test
  void statusListsEveryVersionAsTensorFlowServingDoes() {
    JsonNode want = Http.parse("{\"model_version_status\": [{\"version\": \"123\", \"state\":"
        + " \"AVAILABLE\", \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}");
    assertThat(Http.get(base, "/v1/models/half_plus_two").json()).isEqualTo(want);
    assertThat(Http.get(base, "/v1/models/half_plus_two/versions/123").json()).isEqualTo(want);
    assertThat(Http.get(base, "/v1/models/half_plus_two/labels/latest").json()).isEqualTo(want);
  }

  @Test
  void metadataEqualsTensorFlowServingsFieldByField() throws IOException {
    JsonNode want = Http.JSON.readTree(Http.tfServing().resolve("half_plus_two_model_metadata.json").toFile());
    Http.Reply r = Http.get(base, "/v1/models/default/metadata");
    assertThat(r.status()).isEqualTo(200);
    List<String> diffs = new ArrayList<>();
    diff("", want, r.json(), diffs);
    assertThat(diffs).isEmpty();
    assertThat(r.json()).isEqualTo(want);
    assertThat(Http.get(base, "/v1/models/default/versions/123/metadata").json()).isEqualTo(want);
  }

  /** Every path where two JSON trees differ, so a failure names the field. */
  static void diff(String path, JsonNode want, JsonNode got, List<String> out) {
    if (got == null) {
      out.add(path + ": missing");
    } else if (want.isObject() && got.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        diff(path + "/" + e.getKey(), e.getValue(), got.get(e.getKey()), out);
      }
      got.fieldNames().forEachRemaining(k -> {
        if (!want.has(k)) {
          out.add(path + "/" + k + ": unexpected");
        }
      });
    } else if (want.isArray() && got.isArray() && want.size() == got.size()) {
      for (int i = 0; i < want.size(); i++) {
        diff(path + "[" + i + "]", want.get(i), got.get(i), out);
      }
    } else if (!want.equals(got)) {
      out.add(path + ": want " + want + ", got " + got);
    }
  }

  @Test
  void statefulCounterAnswersColumnarCallsWithoutInputs() {
    Http.post(base, "/v1/models/counter:predict", "{\"signature_name\": \"reset_counter\", \"inputs\": {}}");
    Http.Reply one = Http.post(base, "/v1/models/counter:predict",
        "{\"signature_name\": \"incr_counter\", \"inputs\": {}}");
    assertThat(one.json()).isEqualTo(Http.parse("{\"outputs\": 1.0}"));
    Http.Reply by = Http.post(base, "/v1/models/counter:predict",
        "{\"signature_name\": \"incr_counter_by\", \"inputs\": {\"delta\": 4}}");
    assertThat(by.json()).isEqualTo(Http.parse("{\"outputs\": 5.0}"));
    Http.Reply get = Http.post(base, "/v1/models/counter:predict",
        "{\"signature_name\": \"get_counter\", \"inputs\": {}}");
    assertThat(get.json()).isEqualTo(Http.parse("{\"outputs\": 5.0}"));
  }

  @Test
  void curlInAnotherProcessGetsTheSameAnswers() throws Exception {
    String url = base + "/v1/models/half_plus_two";
    assertThat(Http.parse(Curl.run("-d", "{\"instances\": [1.0, 2.0, 5.0]}", url + ":predict")))
        .isEqualTo(Http.parse("{\"predictions\": [2.5, 3.0, 4.5]}"));
    assertThat(Http.parse(Curl.run("-X", "POST", "-d",
        "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 80.0}]}", url + ":regress")))
        .isEqualTo(Http.parse("{\"results\": [42.0]}"));
    assertThat(Http.parse(Curl.run(base + "/v1/models/default/metadata")))
        .isEqualTo(Http.JSON.readTree(Http.tfServing().resolve("half_plus_two_model_metadata.json").toFile()));
    // A body over 1 KiB makes curl send "Expect: 100-continue" first.
    StringBuilder big = new StringBuilder("{\"instances\": [1.0");
    for (int i = 0; i < 500; i++) {
      big.append(", 1.0");
    }
    JsonNode many = Http.parse(Curl.run("-H", "Content-Type: application/json", "-d", big + "]}", url + ":predict"));
    assertThat(many.get("predictions")).hasSize(501);
    assertThat(Curl.run("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/v1/models/nonexistent"))
        .isEqualTo("404");
  }
}
