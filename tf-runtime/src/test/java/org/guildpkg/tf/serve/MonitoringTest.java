package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow Serving's Prometheus endpoint: requests made over real HTTP show up as counts and
 * latency histograms by API, model, signature and outcome, scraped and parsed as Prometheus
 * would; names a client makes up are not labels; the endpoint is off unless asked for.
 */
class MonitoringTest {
  static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{(.*)\\} (\\S+)$");

  /** Samples by {@code name{labels}}; fails on a line that is neither a comment nor a sample. */
  static Map<String, Double> scrape(URI base) throws Exception {
    HttpResponse<String> r = Http.CLIENT.send(HttpRequest.newBuilder(
            URI.create(base + ModelServer.METRICS_PATH)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    Map<String, Double> out = new HashMap<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: " + line).isTrue();
      out.put(m.group(1) + "{" + m.group(2) + "}", Double.parseDouble(m.group(3)));
    }
    return out;
  }

  @Test
  void predictionsAreCountedByModelSignatureAndOutcomeWithLatencyHistograms() throws Exception {
    try (ModelServer server = ModelServer.builder().monitoring(true).start()) {
      server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      URI base = server.uri();
      for (int i = 0; i < 3; i++) {
        assertThat(Http.post(base, "/v1/models/half_plus_two:predict", "{\"instances\": [1.0]}")
            .status()).isEqualTo(200);
      }
      assertThat(Http.post(base, "/v1/models/half_plus_two:predict",
          "{\"instances\": [\"a\"]}").status()).isEqualTo(400);
      assertThat(Http.post(base, "/v1/models/half_plus_two:predict",
          "{\"signature_name\": \"made_up\", \"instances\": [1.0]}").status()).isEqualTo(400);
      assertThat(Http.post(base, "/v1/models/made_up_model:predict", "{\"instances\": [1.0]}")
          .status()).isEqualTo(404);
      assertThat(Http.post(base, "/v1/models/half_plus_two:regress",
          "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 80.0}]}").status())
          .isEqualTo(200);

      Map<String, Double> m = scrape(base);
      String ok = "api=\"rest\",model=\"half_plus_two\",signature=\"serving_default\",outcome=\"ok\"";
      assertThat(m).containsEntry("guild_serving_requests_total{" + ok + "}", 3.0)
          .containsEntry("guild_serving_requests_total{api=\"rest\",model=\"half_plus_two\","
              + "signature=\"serving_default\",outcome=\"invalid_argument\"}", 1.0)
          .containsEntry("guild_serving_requests_total{api=\"rest\",model=\"half_plus_two\","
              + "signature=\"\",outcome=\"invalid_argument\"}", 1.0)
          .containsEntry("guild_serving_requests_total{api=\"rest\",model=\"\",signature=\"\","
              + "outcome=\"not_found\"}", 1.0)
          .containsEntry("guild_serving_requests_total{api=\"rest\",model=\"half_plus_two\","
              + "signature=\"regress_x_to_y\",outcome=\"ok\"}", 1.0);
      assertThat(m.keySet()).noneMatch(k -> k.contains("made_up"));
      assertThat(m).containsEntry("guild_serving_request_latency_seconds_bucket{" + ok
          + ",le=\"+Inf\"}", 3.0).containsEntry("guild_serving_request_latency_seconds_count{"
          + ok + "}", 3.0);
      double previous = 0;
      for (double le : ServingMetrics.BUCKETS) {
        double v = m.get("guild_serving_request_latency_seconds_bucket{" + ok + ",le=\"" + le + "\"}");
        assertThat(v).isBetween(previous, 3.0);
        previous = v;
      }
      assertThat(m.get("guild_serving_request_latency_seconds_sum{" + ok + "}")).isPositive();
    }
  }

  @Test
  void theEndpointIsOffByDefault() {
    try (ModelServer server = ModelServer.builder().start()) {
      assertThat(Http.get(server.uri(), ModelServer.METRICS_PATH).status()).isEqualTo(404);
    }
  }
}
