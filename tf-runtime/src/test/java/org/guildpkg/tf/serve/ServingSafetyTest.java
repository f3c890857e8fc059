package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.guildpkg.tf.model.LinearModelExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A served model cannot be changed by its clients: a real SavedModel of the model interface
 * ({@code y = x * w}, whose {@code train} signature runs a gradient-descent step on {@code w})
 * answers 30 train requests with an error and its predictions stay as they were, unless the
 * operator allows {@code train}, when the same requests do change it.
 */
class ServingSafetyTest {
  @TempDir Path tmp;

  static final String TRAIN =
      "{\"signature_name\": \"train\", \"inputs\": {\"x\": [[2.0]], \"label\": [10.0]}}";
  static final String PREDICT = "{\"instances\": [[2.0]]}";

  @Test
  void trainRequestsAreRefusedAndTheModelsAnswersDoNotChange() {
    Path model = LinearModelExport.export(tmp.resolve("linear"));
    try (ModelServer server = ModelServer.builder().start()) {
      server.add("linear", model);
      URI base = server.uri();
      Http.Reply before = Http.post(base, "/v1/models/linear:predict", PREDICT);
      assertThat(before.status()).isEqualTo(200);
      assertThat(before.json().toString()).isEqualTo("{\"predictions\":[[2.0]]}");
      for (int i = 0; i < 30; i++) {
        Http.Reply r = Http.post(base, "/v1/models/linear:predict", TRAIN);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error()).contains("\"train\" changes the model's variables")
            .contains("--allow-signature train");
      }
      Http.Reply after = Http.post(base, "/v1/models/linear:predict", PREDICT);
      assertThat(after.json()).isEqualTo(before.json());
      // evaluate only reads: it is served.
      Http.Reply eval = Http.post(base, "/v1/models/linear:predict",
          "{\"signature_name\": \"evaluate\", \"inputs\": {\"x\": [[2.0]], \"label\": [10.0]}}");
      assertThat(eval.status()).isEqualTo(200);
      assertThat(eval.json().path("outputs").doubleValue()).isEqualTo(64.0);
      // The metadata lists what is served, and names what is not, with the reason.
      Http.Reply meta = Http.get(base, "/v1/models/linear/metadata");
      assertThat(meta.json().at("/metadata/signature_def/signature_def").fieldNames())
          .toIterable().containsExactlyInAnyOrder("serving_default", "evaluate");
      assertThat(meta.json().at("/metadata/withheld_signatures/train").asText())
          .contains("changes the model's variables");
    }
  }

  @Test
  void anAllowedTrainSignatureIsServedAndThenClientsDoChangeTheModel() {
    Path model = LinearModelExport.export(tmp.resolve("linear"));
    try (ModelServer server = ModelServer.builder().allowSignature("train").start()) {
      server.add("linear", model);
      URI base = server.uri();
      for (int i = 0; i < 30; i++) {
        assertThat(Http.post(base, "/v1/models/linear:predict", TRAIN).status()).isEqualTo(200);
      }
      double y = Http.post(base, "/v1/models/linear:predict", PREDICT).json()
          .at("/predictions/0/0").doubleValue();
      assertThat(y).isNotEqualTo(2.0).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.5));
      assertThat(Http.get(base, "/v1/models/linear/metadata").json().at("/metadata")
          .has("withheld_signatures")).isFalse();
    }
  }

  @Test
  void theCountersWritingSignaturesAreNotServedByDefaultButItsReadIs() {
    try (ModelServer server = ModelServer.builder().start()) {
      server.add("counter", Http.tfServing().resolve("saved_model_counter/00000123"));
      URI base = server.uri();
      for (String sig : new String[] {"incr_counter", "reset_counter"}) {
        Http.Reply r = Http.post(base, "/v1/models/counter:predict",
            "{\"signature_name\": \"" + sig + "\", \"inputs\": {}}");
        assertThat(r.status()).as(sig).isEqualTo(403);
      }
      Http.Reply by = Http.post(base, "/v1/models/counter:predict",
          "{\"signature_name\": \"incr_counter_by\", \"inputs\": {\"delta\": 4}}");
      assertThat(by.status()).isEqualTo(403);
      Http.Reply get = Http.post(base, "/v1/models/counter:predict",
          "{\"signature_name\": \"get_counter\", \"inputs\": {}}");
      assertThat(get.status()).isEqualTo(200);
      assertThat(get.json().path("outputs").doubleValue()).isZero();
    }
  }

  @Test
  void aTensorFlowErrorReachesTheClientWithoutTheModelsFolder() {
    Path folder = Http.tfServing().resolve("saved_model_half_plus_two_cpu/00000123");
    try (ModelServer server = ModelServer.builder().start()) {
      server.add("half_plus_two", folder);
      // A string where the classify signature's parser wants a float: TensorFlow refuses it.
      Http.Reply r = Http.post(server.uri(), "/v1/models/half_plus_two:classify",
          "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": \"text\"}]}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error()).contains("classify_x_to_y").contains("half_plus_two version 123")
          .doesNotContain(folder.toAbsolutePath().normalize().toString())
          .doesNotContain(folder.getParent().toAbsolutePath().normalize().toString());
      assertThat(r.error()).doesNotContainPattern("(^|[\\s'\"])/[\\w.-]+/");
    }
  }
}
