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
