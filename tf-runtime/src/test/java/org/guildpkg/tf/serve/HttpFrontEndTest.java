package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server's own manners on real sockets: pipelined requests answered in order, an answer
 * to a client that shut its side down, a bad request line, and the time limit that cuts off a
 * client that never finishes its request.
 */
class HttpFrontEndTest {
  static final String PREDICT = "/v1/models/half_plus_two:predict";

  static String predict(String body, boolean close) {
    return "POST " + PREDICT + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + (close ? "Connection: close\r\n" : "") + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  static ModelServer serve() {
    ModelServer server = ModelServer.builder().start();
    server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu/00000123"));
    return server;
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
    try (ModelServer server = serve();
        Socket s = SlowClientsTest.open(server.uri(), predict("{\"instances\": [1.0]}", false)
            + "GET /v1/models/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n"
            + predict("{\"instances\": [5.0, 7.0]}", true))) {
      InputStream in = s.getInputStream();
      String first = Http.readHead(in);
      String second = Http.readHead(in);
      String third = Http.readHead(in);
      assertThat(first).startsWith("HTTP/1.1 200").endsWith("{\"predictions\":[2.5]}");
      assertThat(second).startsWith("HTTP/1.1 404").contains("\"error\"");
      assertThat(third).startsWith("HTTP/1.1 200").endsWith("{\"predictions\":[4.5,5.5]}");
      assertThat(in.read()).as("closed after the answer to Connection: close").isEqualTo(-1);
    }
  }

  @Test
  void aClientThatShutsItsSideDownAfterSendingGetsItsAnswer() throws Exception {
    try (ModelServer server = serve();
        Socket s = SlowClientsTest.open(server.uri(), predict("{\"instances\": [3.0]}", false))) {
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      assertThat(Http.readHead(in)).startsWith("HTTP/1.1 200").endsWith("{\"predictions\":[3.5]}");
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aMalformedRequestLineGets400AndTheConnectionCloses() throws Exception {
    try (ModelServer server = serve();
        Socket s = SlowClientsTest.open(server.uri(), "POST /a b c d\r\nHost: x\r\n\r\n")) {
      InputStream in = s.getInputStream();
      String reply = Http.readHead(in);
      assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error\"");
      assertThat(in.read()).isEqualTo(-1);
      assertThat(Http.get(server.uri(), "/v1/models/half_plus_two").status()).isEqualTo(200);
    }
  }

  @Test
  void aClientThatNeverFinishesItsRequestIsCutOffAfterTheLimit() throws Exception {
    System.setProperty(ModelServer.MAX_EXCHANGE_PROPERTY, "1");
    ModelServer server;
    try {
      server = serve();
    } finally {
      System.clearProperty(ModelServer.MAX_EXCHANGE_PROPERTY);
    }
    try (server;
        Socket s = SlowClientsTest.open(server.uri(), "POST " + PREDICT + " HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: 100\r\n\r\n{\"instances\": [")) {
      long t0 = System.nanoTime();
      int b = s.getInputStream().read(); // blocks until the server closes (the socket waits 10 s)
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(b).isEqualTo(-1);
      assertThat(ms).isBetween(500L, 5_000L);
      URI base = server.uri();
      assertThat(Http.post(base, PREDICT, "{\"instances\": [1.0]}").status()).isEqualTo(200);
    }
  }

  @Test
  void aBadTimeLimitIsRefusedInOneLine() {
    System.setProperty(ModelServer.MAX_EXCHANGE_PROPERTY, "soon");
    try {
      assertThatThrownBy(ModelServer.builder()::start).isInstanceOf(GuildException.class)
          .hasMessage("-Dguild.serve.maxExchangeSeconds=soon is not a whole number of seconds,"
              + " at least 1");
    } finally {
      System.clearProperty(ModelServer.MAX_EXCHANGE_PROPERTY);
    }
  }
}
