package org.guildpkg.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guildpkg.cli.CliRun;
import org.guildpkg.mirror.MirrorIndex;
import org.guildpkg.mirror.Publisher;
import org.guildpkg.mirror.SigningKeys;
import org.guildpkg.mirror.TestPackages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transport that only the test class path registers ({@link FolderTestTransportFactory}, found
 * by ServiceLoader) serves {@code guild mirror add/publish/search/install} with no change to core,
 * and the publisher's conditional-write path keeps every entry of concurrent publishers.
 */
class TransportSpiTest {
  @TempDir Path tmp;

  @AfterEach
  void noBarrier() {
    FolderTestTransportFactory.firstIndexRead = null;
  }

  private CliRun guild(String... args) {
    return CliRun.guild(tmp.resolve("home"), args);
  }

  @Test
  void aTransportOnTheClassPathServesEveryMirrorCommand() throws Exception {
    assertThat(Transports.schemes()).contains("file", "http", "https", "guildtest");
    String url = "guildtest://" + tmp.resolve("m").toAbsolutePath() + "/";
    Path data = TestPackages.simple(tmp.resolve("w"), "data", "1.0", "", "the data", tmp.resolve("o1"));
    Path model = TestPackages.simple(tmp.resolve("w"), "model", "1.0", "data >= 1.0", "model 1", tmp.resolve("o2"));
    Path model2 = TestPackages.simple(tmp.resolve("w"), "model", "2.0", "data >= 1.0", "model 2", tmp.resolve("o3"));
    assertThat(guild("key", "generate", tmp.resolve("keys").toString()).status()).isZero();
    int before = FolderTestTransportFactory.CALLS.get();

    CliRun r = guild("publish", data.toString(), model.toString(), "--mirror", url,
        "--key", tmp.resolve("keys/mirror.key").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("index serial 1, signed");
    assertThat(tmp.resolve("m/index.json")).exists();
    assertThat(tmp.resolve("m/.lock")).doesNotExist(); // no lock: the conditional-write path ran

    r = guild("mirror", "add", "t", url, "--key", tmp.resolve("keys/mirror.pub").toString());
    assertThat(r.status()).as(r.err()).isZero();
    r = guild("search", "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(new ObjectMapper().readTree(r.out())).extracting(h -> h.path("name").asText() + " " + h.path("mirror").asText())
        .containsExactlyInAnyOrder("data t", "model t");

    r = guild("install", "model");
    assertThat(r.status()).as(r.err()).isZero();
    Path home = tmp.resolve("home");
    assertThat(home.resolve("packages/data/1.0/README.txt")).hasContent("the data");
    assertThat(home.resolve("packages/model/1.0/README.txt")).hasContent("model 1");

    assertThat(guild("publish", model2.toString(), "--mirror", url, "--key", tmp.resolve("keys/mirror.key").toString())
        .status()).isZero();
    r = guild("upgrade");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(home.resolve("packages/model/2.0/README.txt")).hasContent("model 2");
    assertThat(FolderTestTransportFactory.CALLS.get() - before).isGreaterThan(10);
  }

  @Test
  void anUnknownSchemeNamesTheSchemesOnTheClassPath() {
    CliRun r = guild("mirror", "add", "x", "nosuch://bucket/p");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n")
        .contains("unsupported mirror URL nosuch://bucket/p").contains("guildtest://").contains("https://");
  }

  @Test
  void concurrentPublishersWithConditionalWritesKeepEveryEntry() throws Exception {
    int n = 6;
    URI url = URI.create("guildtest://" + tmp.resolve("m").toAbsolutePath() + "/");
    SigningKeys.generate(tmp.resolve("keys"));
    var priv = SigningKeys.readPrivate(tmp.resolve("keys/mirror.key"));
    var pub = SigningKeys.readPublic(tmp.resolve("keys/mirror.pub"));
    List<Path> archives = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      archives.add(TestPackages.simple(tmp.resolve("w"), "p" + i, "1", "", "content " + i, tmp.resolve("o" + i)));
    }
    // Every publisher reads the same (absent) index before any writes: all but one must conflict.
    FolderTestTransportFactory.firstIndexRead = new CyclicBarrier(n);
    int conflictsBefore = FolderTestTransportFactory.CONFLICTS.get();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Publisher.PublishResult>> results = new ArrayList<>();
      for (Path a : archives) {
        results.add(pool.submit(() -> Publisher.publish(List.of(a), url, Optional.of(priv))));
      }
      for (Future<Publisher.PublishResult> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS).added()).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(FolderTestTransportFactory.CONFLICTS.get() - conflictsBefore).isGreaterThanOrEqualTo(n - 1);
    byte[] index = Files.readAllBytes(tmp.resolve("m/index.json"));
    MirrorIndex parsed = MirrorIndex.parse(index, "index.json");
    assertThat(parsed.serial()).isEqualTo(n);
    assertThat(parsed.packages()).hasSize(n);
    assertThat(SigningKeys.verify(pub, index, Files.readAllBytes(tmp.resolve("m/index.json.sig")))).isTrue();
  }
}
