package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's memory under large bodies: admission control on the request-body bytes in flight
 * (503 with Retry-After when the budget is full), and a JVM with a small heap that many concurrent
 * near-limit bodies do not kill.
 */
class ServerMemoryTest {
  static final String PREDICT = "/v1/models/half_plus_two:predict";
  static final String GOOD = "{\"instances\": [1.0, 2.0, 5.0]}";

  /** A body of {@code {"instances": [1.0, 1.0, ...]}} of exactly {@code size} bytes. */
  static byte[] ones(int size) {
    StringBuilder b = new StringBuilder(size).append("{\"instances\": [1.0");
    while (b.length() + 6 <= size) {
      b.append(",1.0");
    }
    b.append("]}");
    while (b.length() < size) {
      b.append(' ');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] head(int length) {
    return ("POST " + PREDICT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aBodyThatWouldPassTheInFlightBudgetWaitsThenGets503WithRetryAfter() throws Exception {
    int size = 40_000;
    try (ModelServer server = ModelServer.builder()
        .maxBodyBytes(64 * 1024).maxInFlightBytes(64 * 1024).threads(4).start()) {
      server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
      URI base = server.uri();
      byte[] held = ones(size);
      try (Socket a = new Socket(base.getHost(), base.getPort())) {
        a.setSoTimeout(30_000);
        OutputStream out = a.getOutputStream();
        out.write(head(size));
        out.write(held, 0, 100); // admitted, and then blocked reading the rest of its body
        out.flush();
        waitFor(() -> server.inFlightBytes() == size, "the first body to be admitted");

        String refused = Http.raw(base, concat(head(size), ones(size)));
        assertThat(refused).startsWith("HTTP/1.1 503");
        assertThat(refused).containsIgnoringCase("Retry-After: 1");
        assertThat(refused).contains("in-flight budget of 65536 bytes");
        assertThat(server.inFlightBytes()).isEqualTo(size);

        out.write(held, 100, size - 100);
        out.flush();
        String served = Http.readHead(a.getInputStream());
        assertThat(served).startsWith("HTTP/1.1 200").contains("\"predictions\":[2.5,2.5");
      }
      waitFor(() -> server.inFlightBytes() == 0, "the budget to be released");
      Http.Reply good = Http.post(base, PREDICT, GOOD);
      assertThat(good.status()).isEqualTo(200);
      assertThat(good.text()).isEqualTo("{\"predictions\":[2.5,3.0,4.5]}");
    }
  }

  @Test
  void concurrentNearLimitBodiesInA256MegabyteHeapEachGetAnAnswerAndTheServerGoesOn(
      @TempDir Path tmp) throws Exception {
    // The server alone runs in a child JVM with a 256 MiB heap; the clients, with their own copies
    // of the bodies, stay in this JVM so that only the server's memory is on trial.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("server.log");
    Process child = new ProcessBuilder(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
        "-Dguild.repoRoot=" + Http.repoRoot(),
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
            System.getProperty("user.home") + "/.javacpp/cache"),
        "-cp", System.getProperty("java.class.path"), SmallHeapServer.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      URI base = waitForServer(log, child);
      byte[] body = ones((int) ModelServer.DEFAULT_MAX_BODY_BYTES - 16);
      int requests = 8;
      ExecutorService pool = Executors.newFixedThreadPool(requests);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        answers.add(pool.submit(() -> Http.CLIENT.send(
            HttpRequest.newBuilder(URI.create(base + PREDICT)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : answers) {
        statuses.add(f.get(120, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertThat(statuses).as(Files.readString(log)).allMatch(s -> s == 200 || s == 503);
      assertThat(statuses).as(Files.readString(log)).contains(200);
      assertThat(Http.post(base, PREDICT, GOOD).text()).isEqualTo("{\"predictions\":[2.5,3.0,4.5]}");
      // -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError anywhere in the server would have ended it.
      assertThat(child.isAlive()).as(Files.readString(log)).isTrue();
    } finally {
      child.getOutputStream().close(); // tells the server to stop
      boolean done = child.waitFor(60, TimeUnit.SECONDS);
      if (!done) {
        child.destroyForcibly();
      }
      assertThat(done).as("the server stopped").isTrue();
    }
    assertThat(child.exitValue()).as(Files.readString(log)).isZero();
  }

  private static URI waitForServer(Path log, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && child.isAlive()) {
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith("listening ")) {
          return URI.create(line.substring("listening ".length()).trim());
        }
      }
      Thread.sleep(20); // poll interval of a bounded wait for the child's first line
    }
    throw new AssertionError("the server did not start: " + Files.readString(log));
  }

  /** The child JVM: a default server that runs until its standard input closes. */
  static final class SmallHeapServer {
    public static void main(String[] args) throws Exception {
      try (ModelServer server = ModelServer.builder().start()) {
        server.add("half_plus_two", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
        System.out.println("listening " + server.uri());
        System.out.flush();
        System.in.readAllBytes();
      }
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10); // polling a condition with a bound, not waiting a fixed time
    }
  }
}
