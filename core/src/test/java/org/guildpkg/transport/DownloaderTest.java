package org.guildpkg.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
  @TempDir Path tmp;
  HttpServer server;
  byte[] content;
  String sha;
  final List<String> ranges = new CopyOnWriteArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  /** Bytes the server sends on the first request before it drops the connection; -1 for all. */
  volatile int cutFirstAt = -1;
  volatile int status = 200;

  @BeforeEach
  void startServer() throws Exception {
    content = new byte[300_000];
    new Random(42).nextBytes(content);
    Path f = Files.write(tmp.resolve("content"), content);
    sha = ArchiveWriter.sha256(f);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      int n = requests.incrementAndGet();
      String range = ex.getRequestHeaders().getFirst("Range");
      ranges.add(range == null ? "none" : range);
      if (status != 200) {
        ex.sendResponseHeaders(status, -1);
        ex.close();
        return;
      }
      int start = 0;
      if (range != null) {
        start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        ex.sendResponseHeaders(206, content.length - start);
      } else {
        ex.sendResponseHeaders(200, content.length);
      }
      OutputStream out = ex.getResponseBody();
      if (n == 1 && cutFirstAt >= 0) {
        out.write(content, start, cutFirstAt);
        out.flush();
        ex.close(); // a fixed-length body closed early: the client sees the connection end mid-body
        return;
      }
      out.write(content, start, content.length - start);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private Transport transport() {
    return Transport.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/"), false);
  }

  private Downloader downloader() {
    return new Downloader(tmp.resolve("cache"), 3, Duration.ofMillis(10));
  }

  @Test
  void truncatedDownloadIsResumedWithARangeRequest() throws Exception {
    cutFirstAt = 100_000;
    Path got = downloader().download(transport(), "packages/a+b/a+b-1.pkg.tar.zst", content.length, sha, ProgressListener.NONE);
    assertThat(Files.readAllBytes(got)).isEqualTo(content);
    assertThat(ranges).hasSize(2);
    assertThat(ranges.get(0)).isEqualTo("none");
    assertThat(ranges.get(1)).matches("bytes=\\d+-");
    assertThat(Long.parseLong(ranges.get(1).replaceAll("\\D", ""))).isPositive();
    assertThat(tmp.resolve("cache/a+b-1.pkg.tar.zst.part")).doesNotExist();
  }

  @Test
  void checksumMismatchFailsAndLeavesNothingInTheCache() throws Exception {
    String wrong = "0".repeat(64);
    assertThatThrownBy(() -> downloader().download(transport(), "packages/a/a-1.pkg.tar.zst", content.length, wrong, ProgressListener.NONE))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("checksum mismatch for http://127.0.0.1:")
        .hasMessageContaining("a-1.pkg.tar.zst");
    try (var files = Files.list(tmp.resolve("cache"))) {
      assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".lock"));
    }
  }

  @Test
  void aVerifiedCachedFileIsReusedWithoutARequest() throws Exception {
    downloader().download(transport(), "packages/a/a-1.pkg.tar.zst", content.length, sha, ProgressListener.NONE);
    int before = requests.get();
    downloader().download(transport(), "packages/a/a-1.pkg.tar.zst", content.length, sha, ProgressListener.NONE);
    assertThat(requests.get()).isEqualTo(before);
  }

  @Test
  void serverErrorsAreRetriedABoundedNumberOfTimesAndNotFoundIsNot() {
    status = 503;
    assertThatThrownBy(() -> downloader().download(transport(), "packages/a/a-1.pkg.tar.zst", content.length, sha, ProgressListener.NONE))
        .hasMessageContaining("after 3 attempt(s)").hasMessageContaining("HTTP 503");
    assertThat(requests.get()).isEqualTo(3);
    requests.set(0);
    status = 404;
    assertThatThrownBy(() -> downloader().download(transport(), "packages/a/a-1.pkg.tar.zst", content.length, sha, ProgressListener.NONE))
        .hasMessageContaining("after 1 attempt(s)").hasMessageContaining("HTTP 404");
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void mirrorDownIsAnErrorNamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Transport down = Transport.of(URI.create("http://127.0.0.1:" + port + "/"), false);
    assertThatThrownBy(() -> downloader().download(down, "packages/a/a-1.pkg.tar.zst", 1, sha, ProgressListener.NONE))
        .hasMessageContaining("cannot reach http://127.0.0.1:" + port + "/packages/a/a-1.pkg.tar.zst");
  }

  @Test
  void offlineTransportMakesNoRequest() {
    Transport off = Transport.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), true);
    assertThatThrownBy(() -> off.get("index.json", 1 << 20)).hasMessageContaining("offline");
    assertThat(requests.get()).isZero();
  }
}
