package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 64 slow clients on real sockets, held open (a partial request line, partial headers, a stalled
 * chunked body, a TLS hello to the plain port, {@code Expect: 100-continue} without the body),
 * beside a server with 8 handling permits: correct requests are still answered within a second.
 * Before connections were read on threads of their own, 8 such clients stopped the server.
 */
class SlowClientsTest {
  static final String PREDICT = "/v1/models/half_plus_two:predict";

  @Test
  void sixtyFourSlowConnectionsDoNotKeepCorrectRequestsFromBeingAnswered() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try (ModelServer server = ModelServer.builder().threads(8).start()) {
      server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu/00000123"));
      URI base = server.uri();
      String[] partial = {
        "POST /v1/models/half_plus_two:pred",
        "POST " + PREDICT + " HTTP/1.1\r\nHost: localhost\r\nContent-Len",
        "POST " + PREDICT + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "40\r\n{\"instances\": [1.0,",
        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003",
      };
      for (int i = 0; i < 48; i++) {
        slow.add(open(base, partial[i % partial.length]));
      }
      // Expect: 100-continue and no body: the server says "100 Continue" and waits for the body.
      for (int i = 0; i < 16; i++) {
        Socket s = open(base, "POST " + PREDICT + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: 33\r\nExpect: 100-continue\r\n\r\n");
        slow.add(s);
        assertThat(statusLine(s.getInputStream())).as("continue " + i).contains(" 100 ");
      }
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        Http.Reply r = Http.post(base, PREDICT, "{\"instances\": [1.0, 2.0, 5.0]}");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("{\"predictions\":[2.5,3.0,4.5]}");
        assertThat(ms).as("request " + i + " answered in ms").isLessThan(1000);
      }
      // A raw request on a fresh connection, too.
      String raw = Http.raw(base, ("GET /v1/models/half_plus_two HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(raw).startsWith("HTTP/1.1 200").contains("AVAILABLE");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  static Socket open(URI base, String bytes) throws IOException {
    Socket s = new Socket(base.getHost(), base.getPort());
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  static String statusLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.append((char) c);
    }
    // the blank line after the interim response's headers
    while ((c = in.read()) >= 0 && c != '\n') {
      // skip
    }
    return b.toString();
  }
}
