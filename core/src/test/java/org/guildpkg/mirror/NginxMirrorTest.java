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

  /** The access log's status codes of GETs of {@code path} since the last call, in order. */
  private static List<String> statuses(String path) throws Exception {
    Path log = nginx.root().resolveSibling("logs/access.log");
    List<String> out = Files.readAllLines(log).stream()
        .filter(l -> l.contains("\"GET " + path + " HTTP/"))
        .map(l -> l.substring(l.indexOf("\" ", l.indexOf("\"GET ")) + 2).split(" ")[0]).toList();
    Files.write(log, new byte[0]); // nginx appends (O_APPEND): the next lines start the file again
    return out;
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
    List<String> log = Files.readAllLines(nginx.root().resolveSibling("logs/access.log"));
    assertThat(log.stream().filter(l -> l.contains("/cond-test/index.json.sig ")).count()).isEqualTo(1);
    assertThat(statuses("/cond-test/index.json")).containsExactly("200", "304", "304");

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
