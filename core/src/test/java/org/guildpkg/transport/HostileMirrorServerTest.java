package org.guildpkg.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.build.PackageFolders;
import org.guildpkg.build.SourceSearchPath;
import org.guildpkg.cli.CliRun;
import org.guildpkg.mirror.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 items 2 and 6 against a real local HTTP server: an endless index or signature is
 * refused at its cap while it streams (the bytes the server managed to send stay bounded), and a
 * body that stops arriving fails after the idle timeout, after which a download resumes with
 * {@code Range}. Every test ends within seconds.
 */
class HostileMirrorServerTest {
  private static final Duration IDLE = Duration.ofMillis(500);

  @TempDir Path tmp;
  HttpServer server;
  ExecutorService pool;
  /** Released when the test ends, so that stalled handlers return. */
  final CountDownLatch release = new CountDownLatch(1);
  final Map<String, Handler> routes = new ConcurrentHashMap<>();
  final AtomicLong endlessBytesSent = new AtomicLong();

  interface Handler {
    void handle(HttpExchange ex) throws IOException, InterruptedException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    pool = Executors.newCachedThreadPool();
    server.setExecutor(pool); // a stalled answer must not hold up the next request
    server.createContext("/", ex -> {
      try (ex) {
        Handler h = routes.get(ex.getRequestURI().getPath());
        if (h == null) {
          ex.sendResponseHeaders(404, -1);
        } else {
          h.handle(ex);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    server.stop(0);
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    System.clearProperty("guild.maxIndexBytes");
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Sends chunked data until the client goes away (or 30 s pass). */
  private Handler endless() {
    return ex -> {
      ex.sendResponseHeaders(200, 0);
      byte[] block = new byte[64 * 1024];
      java.util.Arrays.fill(block, (byte) ' ');
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      OutputStream out = ex.getResponseBody();
      try {
        while (System.nanoTime() < deadline) {
          out.write(block);
          endlessBytesSent.addAndGet(block.length);
        }
      } catch (IOException e) {
        // the client hung up: what a refused endless body looks like from here
      }
    };
  }

  /** Declares {@code length} bytes, sends {@code sent} of them, then sends nothing until released. */
  private Handler stalling(byte[] content, int sent) {
    return ex -> {
      ex.sendResponseHeaders(200, content.length);
      ex.getResponseBody().write(content, 0, sent);
      ex.getResponseBody().flush();
      release.await(30, TimeUnit.SECONDS);
    };
  }

  @Test
  void anEndlessIndexIsRefusedAtItsCapAndNothingChanges() {
    routes.put("/index.json", endless());
    System.setProperty("guild.maxIndexBytes", Integer.toString(2 << 20));
    Path home = tmp.resolve("home");
    assertThat(CliRun.guild(home, "mirror", "add", "endless", url().toString(), "--no-check").status()).isZero();
    long t0 = System.nanoTime();
    CliRun r = CliRun.guild(home, "search");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    assertThat(r.status()).isEqualTo(1);
    List<String> lines = r.err().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("guild: ")
        .contains("mirror 'endless' offers index.json larger than the 2097152 bytes allowed")
        .contains("GUILD_MAX_INDEX_BYTES");
    // The client stopped reading at the cap: the server could push at most a few socket buffers more.
    assertThat(endlessBytesSent.get()).isLessThan(64L << 20);
    assertThat(home.resolve("cache/indexes/endless.json")).doesNotExist();
  }

  @Test
  void anEndlessSignatureIsRefusedAtItsSmallCap() throws Exception {
    routes.put("/index.json", ex -> {
      byte[] b = "{\"format\": 1, \"serial\": 1, \"packages\": []}".getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    });
    routes.put("/index.json.sig", endless());
    Path home = tmp.resolve("home");
    SigningKeys.generate(tmp.resolve("keys"));
    assertThat(CliRun.guild(home, "mirror", "add", "m", url().toString(), "--no-check", "--key",
        tmp.resolve("keys/mirror.pub").toString()).status()).isZero();
    CliRun r = CliRun.guild(home, "search");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("mirror 'm' offers index.json.sig larger than the 65536 bytes allowed");
  }

  @Test
  void anIndexThatStopsArrivingTimesOut() {
    byte[] index = new byte[10_000];
    routes.put("/index.json", stalling(index, 100));
    HttpTransport t = new HttpTransport(url(), false, IDLE);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> t.get("index.json", 1 << 20))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("index.json broke off")
        .hasMessageContaining("no data for 500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aDownloadThatStallsMidBodyResumesWithRange() throws Exception {
    byte[] content = new byte[400_000];
    new Random(7).nextBytes(content);
    String sha = ArchiveWriter.sha256(Files.write(tmp.resolve("content"), content));
    AtomicInteger requests = new AtomicInteger();
    List<String> ranges = new CopyOnWriteArrayList<>();
    routes.put("/packages/a/a-1.pkg.tar.zst", ex -> {
      String range = ex.getRequestHeaders().getFirst("Range");
      ranges.add(range == null ? "none" : range);
      if (requests.incrementAndGet() == 1) {
        stalling(content, 150_000).handle(ex);
        return;
      }
      int start = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
      ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
      ex.sendResponseHeaders(206, content.length - start);
      ex.getResponseBody().write(content, start, content.length - start);
    });
    long t0 = System.nanoTime();
    Path got = new Downloader(tmp.resolve("cache"), 3, Duration.ofMillis(10))
        .download(new HttpTransport(url(), false, IDLE), "packages/a/a-1.pkg.tar.zst", content.length, sha,
            ProgressListener.NONE);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    assertThat(ArchiveWriter.sha256(got)).isEqualTo(sha);
    assertThat(ranges).hasSize(2);
    assertThat(ranges.get(0)).isEqualTo("none");
    assertThat(ranges.get(1)).matches("bytes=\\d+-").isNotEqualTo("bytes=0-");
  }

  @Test
  void aSourceDownloadThatStallsMidBodyFailsAfterTheIdleTimeout() {
    routes.put("/upstream.tar.gz", stalling(new byte[100_000], 1_000));
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("src-test")
        + "source = " + url() + "upstream.tar.gz\nsha256sums = SKIP\n", Map.of());
    System.setProperty("guild.http.idleTimeout", "0.5");
    long t0 = System.nanoTime();
    try {
      assertThatThrownBy(() -> PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(tmp.resolve("home"))
              .progress(l -> { }).sources(SourceSearchPath.empty()).build())
          .isInstanceOf(GuildException.class)
          .hasMessageContaining("upstream.tar.gz")
          .hasMessageContaining("no data for 500 ms");
    } finally {
      System.clearProperty("guild.http.idleTimeout");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void theIdleTimeoutIsConfigurable() {
    System.setProperty("guild.http.idleTimeout", "1.5");
    try {
      assertThat(StreamingBody.configuredIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
      System.setProperty("guild.http.idleTimeout", "never");
      assertThatThrownBy(StreamingBody::configuredIdleTimeout).hasMessageContaining("GUILD_HTTP_IDLE_TIMEOUT");
    } finally {
      System.clearProperty("guild.http.idleTimeout");
    }
    assertThat(StreamingBody.configuredIdleTimeout()).isEqualTo(StreamingBody.DEFAULT_IDLE_TIMEOUT);
  }
}
