package org.guildpkg.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guildpkg.spec.PackageName;
import org.guildpkg.store.HomeLayout;
import org.guildpkg.spec.Version;
import org.guildpkg.transport.Downloader;
import org.guildpkg.transport.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing to and reading from a real nginx WebDAV mirror. */
class NginxMirrorTest {
  @TempDir static Path nginxDir;
  static Nginx nginx;
  @TempDir Path tmp;

  @BeforeAll
  static void startNginx() throws Exception {
    Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at /usr/sbin/nginx (.ci/run installs it)");
    nginx = Nginx.start(nginxDir);
  }

  @AfterAll
  static void stopNginx() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
  }

  @Test
  void publishByPutThenFetchVerifySearchAndDownloadAPlusName() throws Exception {
    KeyPair keys = SigningKeys.generate(tmp.resolve("keys"));
    var url = nginx.url().resolve("put-test/");
    Path a = TestPackages.simple(tmp.resolve("w"), "convnet+fashion-mnist", "1.0", "", "model", tmp.resolve("out"));
    Publisher.publish(List.of(a), url, Optional.of(keys.getPrivate()));

    // nginx stored the file under its decoded name: the + was percent-encoded on the way.
    Path stored = nginx.root().resolve("put-test/packages/convnet+fashion-mnist/convnet+fashion-mnist-1.0.pkg.tar.zst");
    assertThat(Files.readAllBytes(stored)).isEqualTo(Files.readAllBytes(a));

    List<String> warnings = new ArrayList<>();
    Mirrors mirrors = new Mirrors(tmp.resolve("home"), false, warnings::add,
        List.of(new MirrorSpec("web", url, Optional.of(keys.getPublic()))));
    IndexEntry e = mirrors.indexes().get(0).index()
        .find(PackageName.of("convnet+fashion-mnist"), Version.parse("1.0")).orElseThrow();
    assertThat(Search.search(mirrors.indexes(), Optional.of("FASHION"), Optional.empty())).hasSize(1);
    Path got = new Downloader(tmp.resolve("home/cache/downloads"))
        .download(mirrors.transport(mirrors.configured().get(0)), e.file(), e.size(), e.sha256(), ProgressListener.NONE);
    assertThat(Files.readAllBytes(got)).isEqualTo(Files.readAllBytes(a));
    assertThat(warnings).isEmpty();
  }

  private static int marks;

  /**
   * The access log's status codes of GETs of {@code path} since the last call, in order; see
   * {@link #window()}.
   */
  private static List<String> statuses(String path) throws Exception {
    return statuses(window(), path);
  }

  /** The status codes of GETs of {@code path} among the access log's {@code lines}. */
  private static List<String> statuses(List<String> lines, String path) {
    return lines.stream()
        .filter(l -> l.contains("\"GET " + path + " HTTP/"))
        .map(l -> l.substring(l.indexOf("\" ", l.indexOf("\"GET ")) + 2).split(" ")[0]).toList();
  }

  /**
   * The access log's lines since the last call, once every request made before is logged. nginx
   * writes a request's line after the client has its answer, so each call first asks for a new
   * marker path and waits for its line: nginx runs one worker here, which logs in request order,
   * so every earlier request's line is in the log by then.
   */
  private static List<String> window() throws Exception {
    Path log = nginx.root().resolveSibling("logs/access.log");
    String marker = "/__mark-" + (++marks);
    java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(nginx.url().resolve(marker.substring(1))).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    List<String> lines = Files.readAllLines(log);
    while (lines.stream().noneMatch(l -> l.contains("\"GET " + marker + " HTTP/"))) {
      assertThat(System.nanoTime()).as("nginx logs " + marker).isLessThan(deadline);
      Thread.sleep(10); // a bounded poll of the log file
      lines = Files.readAllLines(log);
    }
    int from = 0;
    int to = lines.size();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"GET /__mark-" + (marks - 1) + " HTTP/")) {
        from = i + 1;
      } else if (lines.get(i).contains("\"GET " + marker + " HTTP/")) {
        to = i;
      }
    }
    return lines.subList(from, to);
  }

  @Test
  void anUnchangedIndexIsRefreshedWithAConditionalRequestAnsweredNotModified() throws Exception {
    KeyPair keys = SigningKeys.generate(tmp.resolve("keys"));
    var url = nginx.url().resolve("cond-test/");
    Publisher.publish(List.of(TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "a", tmp.resolve("o1"))),
        url, Optional.of(keys.getPrivate()));
    statuses("/cond-test/index.json"); // forget the publisher's reads
    MirrorSpec spec = new MirrorSpec("web", url, Optional.of(keys.getPublic()));
    Path home = tmp.resolve("home");
    java.util.function.Supplier<MirrorIndex> refresh = () -> {
      LoadedIndex li = new Mirrors(home, false, w -> { }, List.of(spec)).indexes().get(0);
      assertThat(li.fromCache()).isFalse();
      return li.index();
    };

    assertThat(refresh.get().serial()).isEqualTo(1);
    assertThat(refresh.get().serial()).isEqualTo(1);
    assertThat(refresh.get().packages()).hasSize(1);
    // One whole read (index and signature), then two 304s and no read of the signature.
    List<String> log = window();
    assertThat(statuses(log, "/cond-test/index.json")).containsExactly("200", "304", "304");
    assertThat(statuses(log, "/cond-test/index.json.sig")).hasSize(1);

    Publisher.publish(List.of(TestPackages.simple(tmp.resolve("w"), "beta", "1.0", "", "b", tmp.resolve("o2"))),
        url, Optional.of(keys.getPrivate()));
    statuses("/cond-test/index.json");
    assertThat(refresh.get().packages()).hasSize(2);
    assertThat(statuses("/cond-test/index.json")).containsExactly("200");

    // A cached copy that no longer matches its signature is not kept on a 304: it is read whole.
    Path cached = HomeLayout.of(home).cachedIndex("web");
    Files.writeString(cached, Files.readString(cached).replace("\"serial\"", "\"serial\" "));
    assertThat(refresh.get().packages()).hasSize(2);
    assertThat(refresh.get().serial()).isEqualTo(2);
    assertThat(statuses("/cond-test/index.json")).containsExactly("304", "200", "304");
  }

  @Test
  void republishingOtherContentOverHttpIsRefusedAndTheMirrorUnchanged() throws Exception {
    var url = nginx.url().resolve("refuse-test/");
    Path a = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "one", tmp.resolve("o1"));
    Publisher.publish(List.of(a), url, Optional.empty());
    Path index = nginx.root().resolve("refuse-test/index.json");
    byte[] before = Files.readAllBytes(index);
    Path b = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "two", tmp.resolve("o2"));
    assertThatThrownBy(() -> Publisher.publish(List.of(b), url, Optional.empty()))
        .hasMessageContaining("alpha-1.0 is already on mirror " + url);
    assertThat(Files.readAllBytes(index)).isEqualTo(before);
    assertThat(Publisher.publish(List.of(a), url, Optional.empty()).added()).isEmpty();
  }
}
