package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * 1,000 malformed and hostile requests (truncated JSON, huge numbers, deep nesting, wrong content
 * types, oversized bodies, bad base64, wrong shapes, unknown models, raw garbage), after which the
 * server still answers a good request correctly. Loopback only, a fixed seed, a bounded loop.
 */
class HostileRequestsTest {
  static final int MAX_BODY = 256 * 1024;
  static final String GOOD = "{\"instances\": [1.0, 2.0, 5.0]}";
  static final String PREDICT = "/v1/models/half_plus_two:predict";

  /** One generated request: how to send it, and its kind for the summary. */
  record Hostile(String kind, String method, String path, String contentType, byte[] body, boolean raw) {}

  @Test
  void thousandHostileRequestsLeaveTheServerAnsweringCorrectly() throws Exception {
    try (ModelServer server = ModelServer.builder().maxBodyBytes(MAX_BODY).threads(8).start()) {
      server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      URI base = server.uri();
      Random rnd = new Random(20240613L);
      List<Hostile> requests = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        requests.add(generate(rnd, i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
      List<String> serverErrors = new ArrayList<>();
      try {
        List<Future<Integer>> answers = new ArrayList<>();
        for (Hostile h : requests) {
          answers.add(pool.submit(() -> send(base, h)));
        }
        for (int i = 0; i < requests.size(); i++) {
          int status = answers.get(i).get();
          Hostile h = requests.get(i);
          byKind.computeIfAbsent(h.kind(), k -> new TreeMap<>()).merge(status, 1, Integer::sum);
          if (status >= 500 || status == 0) {
            serverErrors.add(h.kind() + " -> " + status);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      // Every hostile request got a client-error answer (or a fine one), none crashed the server.
      assertThat(serverErrors).isEmpty();
      assertThat(byKind.get("oversized")).containsOnlyKeys(413);
      assertThat(byKind.get("deep nesting")).containsOnlyKeys(400);
      assertThat(byKind.get("truncated")).containsOnlyKeys(400);
      assertThat(byKind.get("unknown model")).containsOnlyKeys(400, 404, 405);
      assertThat(byKind.get("wrong method")).containsOnlyKeys(405);
      Http.Reply good = Http.post(base, PREDICT, GOOD);
      assertThat(good.status()).isEqualTo(200);
      assertThat(good.json()).isEqualTo(Http.parse("{\"predictions\": [2.5, 3.0, 4.5]}"));
    }
  }

  /**
   * Requests that TensorFlow itself refuses (garbage serialized Examples, a missing feature) after
   * their input tensors were made, and good ones, leave no native tensor behind: JavaCPP's count
   * of live native pointers is back where it was.
   */
  @Test
  void requestsThatFailInsideTensorFlowFreeEveryNativeTensor() {
    try (ModelServer server = ModelServer.builder().threads(4).start()) {
      server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      URI base = server.uri();
      String garbage = "{\"signature_name\": \"regress_x_to_y\", \"instances\": [{\"b64\": \""
          + Base64.getEncoder().encodeToString("not an Example".getBytes(StandardCharsets.UTF_8)) + "\"}]}";
      String missing = "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"y\": 1.0}]}";
      Runnable round = () -> {
        assertThat(Http.post(base, PREDICT, garbage).status()).isEqualTo(400);
        assertThat(Http.post(base, "/v1/models/half_plus_two:regress", missing).status()).isEqualTo(400);
        assertThat(Http.post(base, PREDICT, GOOD).status()).isEqualTo(200);
      };
      round.run(); // warm up: TensorFlow's own one-time allocations
      long before = Pointer.totalCount();
      for (int i = 0; i < 200; i++) {
        round.run();
      }
      assertThat(Pointer.totalCount()).isLessThanOrEqualTo(before);
    }
  }

  /** Sends one request; the status, or -1 for a raw exchange the server closed without an answer. */
  static int send(URI base, Hostile h) throws Exception {
    if (h.raw()) {
      return sendRaw(base, h);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + h.path()))
        .timeout(Duration.ofSeconds(60))
        .method(h.method(), h.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(h.body()));
    if (h.contentType() != null) {
      b.header("Content-Type", h.contentType());
    }
    HttpResponse<String> r = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400) {
      assertThat(Http.parse(r.body()).path("error").isTextual()).as(h.kind() + ": " + r.body()).isTrue();
    }
    return r.statusCode();
  }

  private static int sendRaw(URI base, Hostile h) throws Exception {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(h.body());
        out.flush();
        s.shutdownOutput();
      } catch (java.io.IOException closedEarly) {
        // the server may answer and close before it has read everything
      }
      String reply = Http.readHead(s.getInputStream());
      if (!reply.startsWith("HTTP/1.1 ")) {
        return -1; // closed without an answer: the server dropped a garbage request
      }
      return Integer.parseInt(reply.substring(9, 12));
    }
  }

  static Hostile generate(Random rnd, int i) {
    List<Supplier<Hostile>> kinds = List.of(
        () -> json("truncated", GOOD.substring(0, 1 + rnd.nextInt(GOOD.length() - 2))),
        () -> json("huge number", "{\"instances\": [" + pick(rnd, "1e999999", "-1e400", "1" + "9".repeat(90),
            "123456789012345678901234567890", "1e-999999", "NaN", "-Infinity", "0x10") + "]}"),
        () -> json("deep nesting", "{\"instances\": " + "[".repeat(65 + rnd.nextInt(20_000)) + "1.0"),
        () -> new Hostile("wrong content type", "POST", PREDICT,
            pick(rnd, "text/plain", "application/xml", "multipart/form-data; boundary=x", "image/png"),
            randomBytes(rnd, 1 + rnd.nextInt(2000)), false),
        () -> oversized(rnd),
        () -> json("bad b64", "{\"signature_name\": \"regress_x_to_y\", \"instances\": [{\"b64\": \""
            + pick(rnd, "%%%", "abc", "====", "\\u0000", "YQ=Y") + "\"}]}"),
        () -> json("bad b64", "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": {\"b64\": 5}}]}"),
        () -> json("wrong shape", "{\"instances\": [[1.0, 2.0], [" + "1.0,".repeat(rnd.nextInt(5)) + "3.0]]}"),
        () -> json("wrong shape", "{\"inputs\": " + "[".repeat(3 + rnd.nextInt(10)) + "1.0"
            + "]".repeat(3 + rnd.nextInt(10)) + "}"),
        () -> json("wrong type", "{\"instances\": [" + pick(rnd, "null", "true", "\"x\"", "{}", "{\"a\": 1}",
            "[null]") + "]}"),
        () -> json("wrong type", "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": "
            + pick(rnd, "null", "[[1.0]]", "{}", "[1.0, \"a\"]", "18446744073709551616") + "}]}"),
        () -> {
          // Raw, since Java's URI class refuses some of these paths before they are sent.
          String method = pick(rnd, "POST", "GET");
          String path = "/v1/models/" + pick(rnd, "nope", "%zz", "%00", "a%2Fb", "x".repeat(3000),
              "%E2%98%83", "half_plus_two/versions/9999999999999999999999", "half_plus_two/labels/%ff",
              "half_plus_two/labels/nope") + (rnd.nextBoolean() ? ":predict" : "/metadata");
          String req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + GOOD.length()
              + "\r\n\r\n" + GOOD;
          return new Hostile("unknown model", method, path, null, req.getBytes(StandardCharsets.UTF_8), true);
        },
        () -> new Hostile("wrong method", pick(rnd, "PUT", "DELETE", "PATCH", "OPTIONS"), PREDICT,
            "application/json", GOOD.getBytes(StandardCharsets.UTF_8), false),
        () -> new Hostile("raw garbage", "RAW", "", null, randomRequestLine(rnd), true),
        () -> json("many empty rows", "{\"instances\": [" + "[],".repeat(rnd.nextInt(10_000)) + "[]]}"));
    return kinds.get(i % kinds.size()).get();
  }

  static Hostile json(String kind, String body) {
    return new Hostile(kind, "POST", PREDICT.replace(":predict",
        body.contains("examples") ? (body.contains("classify") ? ":classify" : ":regress") : ":predict"),
        "application/json", body.getBytes(StandardCharsets.UTF_8), false);
  }

  static Hostile oversized(Random rnd) {
    if (rnd.nextBoolean()) {
      // A declared length over the limit, with only a little of the body sent.
      String head = "POST " + PREDICT + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
          + (MAX_BODY + 1 + rnd.nextInt(1 << 30)) + "\r\n\r\n{\"instances\": [";
      return new Hostile("oversized", "RAW", PREDICT, null, head.getBytes(StandardCharsets.US_ASCII), true);
    }
    StringBuilder b = new StringBuilder("POST " + PREDICT + " HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n");
    String chunk = "1.0, ".repeat(2000);
    for (int sent = 0; sent <= MAX_BODY + chunk.length(); sent += chunk.length()) {
      b.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    return new Hostile("oversized", "RAW", PREDICT, null, b.toString().getBytes(StandardCharsets.US_ASCII), true);
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  static byte[] randomRequestLine(Random rnd) {
    String garbage = Base64.getEncoder().encodeToString(randomBytes(rnd, 20 + rnd.nextInt(200)));
    return (pick(rnd, garbage + "\r\n\r\n", "GET /v1/models/half_plus_two HTTP/1.1\r\n" + "X: y\r\n".repeat(5),
        "POST " + PREDICT + " HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST " + PREDICT + " HTTP/1.1\r\nContent-Length: abc\r\n\r\n")).getBytes(StandardCharsets.US_ASCII);
  }

  @SafeVarargs
  static <T> T pick(Random rnd, T... options) {
    return options[rnd.nextInt(options.length)];
  }
}
