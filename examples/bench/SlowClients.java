import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds N slow connections open to an HTTP server until stdin closes (serve.sh runs wrk beside
 * it): a partial request line, partial headers, a stalled chunked body, a TLS hello, and
 * {@code Expect: 100-continue} without the body, in turn.
 *
 * <p>Usage: {@code SlowClients HOST PORT N}; prints {@code holding N} once they are open.
 */
public final class SlowClients {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int n = Integer.parseInt(args[2]);
    String path = "/v1/models/half_plus_two:predict";
    String[] kinds = {
      "POST " + path.substring(0, 20),
      "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Len",
      "POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{\"inst",
      "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003",
      "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 33\r\nExpect: 100-continue\r\n\r\n",
    };
    List<Socket> open = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket(host, port);
      OutputStream out = s.getOutputStream();
      out.write(kinds[i % kinds.length].getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      open.add(s);
    }
    System.out.println("holding " + open.size());
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the script closes stdin
    }
    for (Socket s : open) {
      s.close();
    }
  }
}
