package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The errors of the REST API: TensorFlow Serving's status codes and messages, as JSON. */
class ModelServerErrorsTest {
  static final int MAX_BODY = 64 * 1024;
  static ModelServer server;
  static URI base;

  @BeforeAll
  static void start() {
    server = ModelServer.builder().maxBodyBytes(MAX_BODY).start();
    server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
    base = server.uri();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One bad request and what TensorFlow Serving answers to it. */
  record Case(String method, String path, String body, int status, String message) {
    @Override
    public String toString() {
      return status + " " + method + " " + path + " " + (body == null ? "" : body);
    }
  }

  static final String PREDICT = "/v1/models/half_plus_two:predict";
  static final String REGRESS = "/v1/models/half_plus_two:regress";
  static final String CLASSIFY = "/v1/models/half_plus_two:classify";

  static Stream<Case> cases() {
    return Stream.of(
        new Case("GET", "/v1/models", null, 400, "Missing model name in request."),
        new Case("GET", "/v1/foo", null, 400, "Malformed request: GET /v1/foo"),
        new Case("POST", "/v1/models/foo/version/50:regress", "{}", 400,
            "Malformed request: POST /v1/models/foo/version/50:regress"),
        new Case("POST", "/v1/models/foo/versions/HELLO:regress", "{}", 400,
            "Malformed request: POST /v1/models/foo/versions/HELLO:regress"),
        new Case("POST", "/v1/models/half_plus_two/versions/18446744073709551615:predict",
            "{\"instances\": [1.0]}", 400, "Failed to convert version: 18446744073709551615 to numeric."),
        new Case("POST", "/v1/models/nonexistent_model:predict", "{\"instances\": [1.0]}", 404,
            "Servable not found for request: Latest(nonexistent_model)"),
        new Case("POST", "/v1/models/half_plus_two/versions/99:predict", "{\"instances\": [1.0]}", 404,
            "Servable not found for request: Specific(half_plus_two, 99)"),
        new Case("GET", "/v1/models/half_plus_two/labels/canary", null, 404,
            "Unrecognized servable version label: canary"),
        new Case("GET", "/v1/models/nonexistent/metadata", null, 404,
            "Servable not found for request: Latest(nonexistent)"),
        new Case("GET", "/v1/models/nonexistent", null, 404,
            "Could not find any versions of model nonexistent"),
        new Case("POST", PREDICT, "", 400, "JSON Parse error: The document is empty"),
        new Case("POST", PREDICT, "instances = [1, 2]", 400, "JSON Parse error: Unrecognized token 'instances'"),
        new Case("POST", PREDICT, "{\"instances\": [1.0, 2.0", 400, "JSON Parse error: Unexpected end-of-input"),
        new Case("POST", PREDICT, "[1.0]", 400, "JSON Value: [1.0] Is not object"),
        new Case("POST", PREDICT, "{\"instances\": [\"a\", \"b\"]}", 400,
            "Failed to process element: 0 of 'instances' list. Error: JSON Value: \"a\" Type: String"
                + " is not of expected type: float"),
        new Case("POST", PREDICT, "{\"instances\": [1.0], \"inputs\": [1.0]}", 400,
            "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist"),
        new Case("POST", PREDICT, "{\"instances\": 1.0}", 400, "Excepting 'instances' to be an list/array"),
        new Case("POST", PREDICT, "{\"instances\": []}", 400, "No values in 'instances' array"),
        new Case("POST", PREDICT, "{\"foo\": 1}", 400, "Missing 'inputs' or 'instances' key"),
        new Case("POST", PREDICT, "{\"signature_name\": \"nope\", \"instances\": [1.0]}", 400,
            "Serving signature name: \"nope\" not found in signature def"),
        new Case("POST", PREDICT, "{\"signature_name\": 5, \"instances\": [1.0]}", 400,
            "'signature_name' key must be a string value."),
        new Case("POST", PREDICT, "{\"instances\": [[1.0, 2.0], [3.0]]}", 400,
            "Failed to process element: 1 of 'instances' list. Error: Expecting tensor size: 2 but got: 1"),
        new Case("POST", PREDICT, "{\"instances\": [[1.0], 2.0]}", 400,
            "Failed to process element: 1 of 'instances' list. Error: Expecting shape [1] but got: []"),
        new Case("POST", PREDICT, "{\"inputs\": [[1.0, 2.0], [3.0]]}", 400,
            "Encountered list at unexpected size: 1 at level: 1 expected size: 2"),
        new Case("POST", PREDICT, "{\"inputs\": [[1.0], 3.0]}", 400,
            "JSON Value: 3.0 found at incorrect level: 2 in the JSON DOM. Expected at level: 2"),
        new Case("POST", PREDICT, "{\"instances\": [{\"y\": 1.0}]}", 400,
            "Failed to process element: 0 key: y of 'instances' list. Error: JSON object: does not"
                + " have named input: y"),
        new Case("POST", PREDICT, "{\"instances\": [[[1.0]]]}", 400,
            "shape [1, 1, 1] is incompatible with the signature's [-1, 1] (it must broadcast to it)"),
        new Case("POST", PREDICT, "{\"signature_name\": \"regress_x_to_y\", \"instances\": [{\"b64\": \"*not base64*\"}]}",
            400, "Unable to base64 decode"),
        new Case("POST", PREDICT, "{\"instances\": [1e39]}", 400,
            "Cannot convert JSON value: 1E+39 to float without loss of precision."),
        new Case("POST", PREDICT, "{\"instances\": [16777217]}", 400,
            "Cannot convert JSON value: 16777217 to float without loss of precision."),
        new Case("POST", PREDICT, "{\"instances\": [1.0], \"instances\": [2.0]}", 400,
            "JSON Parse error: Duplicate field 'instances'"),
        new Case("POST", PREDICT, "{\"instances\": " + "[".repeat(100) + "]".repeat(100) + "}", 400,
            "JSON Parse error: Document nesting depth (65) exceeds the maximum allowed (64"),
        new Case("POST", PREDICT, "{\"instances\": [1" + "0".repeat(200) + "]}", 400,
            "JSON Parse error: Number value length (201) exceeds the maximum allowed (100"),
        new Case("POST", REGRESS, "{\"signature_name\": \"regress_x_to_y\"}", 400,
            "When method is classify, key 'examples' is expected and was not found"),
        new Case("POST", REGRESS, "{\"examples\": [{\"x\": 1.0}]}", 400,
            "Expected regression signature method_name to be tensorflow/serving/regress. Was:"
                + " tensorflow/serving/predict"),
        new Case("POST", CLASSIFY, "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 1.0}]}", 400,
            "Expected classification signature method_name to be tensorflow/serving/classify. Was:"
                + " tensorflow/serving/regress"),
        new Case("POST", CLASSIFY, "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": [1.0, \"a\"]}]}",
            400, "Unexpected element type in feature: x expecting type: float"),
        new Case("POST", REGRESS, "{\"signature_name\": \"regress_x_to_y\", \"examples\": [7]}", 400,
            "Example must be JSON object but got JSON Number"),
        new Case("POST", REGRESS, "{\"signature_name\": \"nope\", \"examples\": [{\"x\": 1.0}]}", 400,
            "No signature was found with name: nope"),
        new Case("GET", PREDICT, null, 405, "Method not allowed: GET /v1/models/half_plus_two:predict; use POST"),
        new Case("PUT", "/v1/models/half_plus_two", "{}", 405,
            "Method not allowed: PUT /v1/models/half_plus_two; use GET"),
        new Case("DELETE", "/v1/models/half_plus_two/metadata", null, 405, "use GET"),
        new Case("GET", "/index.html", null, 404, "Not found: /index.html"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void badRequestGetsTensorFlowServingsStatusAndMessage(Case c) {
    Http.Reply r = Http.send(base, c.method(), c.path(), c.body());
    assertThat(r.status()).as(r.text()).isEqualTo(c.status());
    assertThat(r.raw().headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.json().fieldNames()).toIterable().containsExactly("error");
    assertThat(r.error()).contains(c.message());
    if (c.status() == 405) {
      assertThat(r.raw().headers().firstValue("Allow")).contains(c.path().contains(":") ? "POST" : "GET");
    }
  }

  @Test
  void bodyOverTheLimitIsRefusedFromItsContentLengthBeforeItIsSent() {
    // Only the headers go out: the server must answer from Content-Length alone.
    String head = "POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n";
    String reply = Http.raw(base, head.getBytes(StandardCharsets.US_ASCII));
    assertThat(reply).startsWith("HTTP/1.1 413 ");
    assertThat(reply).contains("{\"error\":\"Request body of 1073741824 bytes is larger than the"
        + " limit of " + MAX_BODY + " bytes");
  }

  @Test
  void chunkedBodyIsRefusedAsSoonAsItPassesTheLimit() throws Exception {
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "1.0, ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      out.write("{\"instances\": [".length() == 0 ? new byte[0] : new byte[0]);
      // Send chunks until the server answers; it must not wait for the end of the body.
      int sent = 0;
      try {
        while (sent < 4 * MAX_BODY) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          sent += chunk.length;
        }
      } catch (java.io.IOException closedByServer) {
        // the server may close the connection once it has answered
      }
      String reply = Http.readHead(s.getInputStream());
      assertThat(reply).startsWith("HTTP/1.1 413 ");
      assertThat(reply).contains("more than " + MAX_BODY + " bytes is larger than the limit");
    }
  }

  @Test
  void compressedBodyIsRefusedAsUnsupportedMediaType() {
    String body = "{\"instances\": [1.0]}";
    String req = "POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    String reply = Http.raw(base, req.getBytes(StandardCharsets.US_ASCII));
    assertThat(reply).startsWith("HTTP/1.1 415 ");
    assertThat(reply).contains("Content-Encoding gzip is not supported");
  }

  @Test
  void anyContentTypeIsReadAsJsonAsTensorFlowServingDoes() {
    // curl -d sends application/x-www-form-urlencoded, and TensorFlow Serving's docs use it.
    String body = "{\"instances\": [1.0]}";
    String req = "POST /v1/models/half_plus_two:predict HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body;
    String reply = Http.raw(base, req.getBytes(StandardCharsets.US_ASCII));
    assertThat(reply).startsWith("HTTP/1.1 200 ");
    assertThat(reply).contains("{\"predictions\":[2.5]}");
  }
}
