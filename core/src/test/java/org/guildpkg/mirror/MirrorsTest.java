package org.guildpkg.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorsTest {
  @TempDir Path tmp;
  Path mirror;
  Path home;
  KeyPair keys;
  List<String> warnings = new ArrayList<>();

  @BeforeEach
  void publishTwoVersions() throws Exception {
    mirror = tmp.resolve("mirror");
    home = tmp.resolve("home");
    keys = SigningKeys.generate(tmp.resolve("keys"));
    publish("alpha", "1.0");
  }

  private void publish(String name, String version) {
    Path a = TestPackages.simple(tmp.resolve("w"), name, version, "", name + version, tmp.resolve("out"));
    Publisher.publish(List.of(a), mirror.toUri(), Optional.of(keys.getPrivate()));
  }

  private Mirrors client(boolean offline, MirrorSpec... specs) {
    return new Mirrors(home, offline, warnings::add, List.of(specs));
  }

  private MirrorSpec signed() {
    return new MirrorSpec("main", mirror.toUri(), Optional.of(keys.getPublic()));
  }

  private Path cache() {
    return home.resolve("cache/indexes/main.json");
  }

  @Test
  void signedIndexIsFetchedVerifiedAndCached() throws Exception {
    List<LoadedIndex> idx = client(false, signed()).indexes();
    assertThat(idx).singleElement().satisfies(li -> {
      assertThat(li.fromCache()).isFalse();
      assertThat(li.index().versions(PackageName.of("alpha"))).hasSize(1);
    });
    assertThat(Files.readAllBytes(cache())).isEqualTo(Files.readAllBytes(mirror.resolve("index.json")));
    assertThat(warnings).isEmpty();
  }

  @Test
  void mirrorWithoutKeyWorksWithAWarning() {
    List<LoadedIndex> idx = client(false, new MirrorSpec("main", mirror.toUri(), Optional.empty())).indexes();
    assertThat(idx).hasSize(1);
    assertThat(warnings).singleElement().asString().contains("has no public key");
  }

  @Test
  void tamperedIndexIsRejectedAndTheCacheKept() throws Exception {
    client(false, signed()).indexes();
    byte[] cached = Files.readAllBytes(cache());
    Path index = mirror.resolve("index.json");
    Files.writeString(index, Files.readString(index).replace("package alpha", "package alpha, now evil"));
    byte[] tampered = Files.readAllBytes(index);

    assertThatThrownBy(() -> client(false, signed()).indexes())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("mirror/index.json does not match the key")
        .hasMessageContaining("tampered");
    assertThat(Files.readAllBytes(cache())).isEqualTo(cached);
    assertThat(Files.readAllBytes(index)).isEqualTo(tampered);
  }

  @Test
  void indexSignedWithAnotherKeyIsRejected() throws Exception {
    KeyPair other = SigningKeys.generate(tmp.resolve("other"));
    Path a = TestPackages.simple(tmp.resolve("w"), "beta", "1.0", "", "b", tmp.resolve("out"));
    Publisher.publish(List.of(a), mirror.toUri(), Optional.of(other.getPrivate()));
    assertThatThrownBy(() -> client(false, signed()).indexes())
        .hasMessageContaining("does not match the key of mirror 'main'");
    assertThat(Files.exists(cache())).isFalse();
  }

  @Test
  void missingSignatureIsRejectedWhenTheMirrorHasAKey() throws Exception {
    Files.delete(mirror.resolve("index.json.sig"));
    assertThatThrownBy(() -> client(false, signed()).indexes())
        .hasMessageContaining("index.json.sig is missing");
  }

  @Test
  void rolledBackSerialIsRejected() throws Exception {
    byte[] oldIndex = Files.readAllBytes(mirror.resolve("index.json"));
    byte[] oldSig = Files.readAllBytes(mirror.resolve("index.json.sig"));
    publish("alpha", "2.0");
    client(false, signed()).indexes(); // sees serial 2
    byte[] cached = Files.readAllBytes(cache());
    Files.write(mirror.resolve("index.json"), oldIndex); // validly signed, but serial 1
    Files.write(mirror.resolve("index.json.sig"), oldSig);

    assertThatThrownBy(() -> client(false, signed()).indexes())
        .hasMessageContaining("offers index serial 1")
        .hasMessageContaining("serial 2 was seen before");
    assertThat(Files.readAllBytes(cache())).isEqualTo(cached);
  }

  @Test
  void offlineReadsOnlyTheCacheAndSaysSoWhenThereIsNone() throws Exception {
    assertThatThrownBy(() -> client(true, signed()).indexes())
        .hasMessageContaining("offline and no cached index")
        .hasMessageContaining("run once without --offline");
    client(false, signed()).indexes();
    publish("beta", "1.0"); // not seen offline
    List<LoadedIndex> idx = client(true, signed()).indexes();
    assertThat(idx.get(0).fromCache()).isTrue();
    assertThat(idx.get(0).index().versions(PackageName.of("beta"))).isEmpty();
  }

  @Test
  void unreachableMirrorIsSkippedWithAWarningWhenAnotherServes() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    MirrorSpec down = new MirrorSpec("down", URI.create("http://127.0.0.1:" + port + "/"), Optional.empty());
    List<LoadedIndex> idx = client(false, down, signed()).indexes();
    assertThat(idx).extracting(li -> li.mirror().name()).containsExactly("main");
    assertThat(warnings).anyMatch(w -> w.contains("mirror 'down' is unreachable"));

    assertThatThrownBy(() -> client(false, down).indexes())
        .hasMessageContaining("no mirror could be reached")
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void searchMatchesNameDescriptionAndTagsCaseInsensitivelyNewestFirstMirrorWins() throws Exception {
    publish("alpha", "1.10");
    publish("alpha", "1.9");
    Path other = tmp.resolve("other");
    Publisher.publish(List.of(
        TestPackages.archive(tmp.resolve("w"), TestPackages.manifest("alpha", "9.0", PackageType.SOURCE, "x",
            List.of(), ""), java.util.Map.of("f", "f"), tmp.resolve("o9")),
        TestPackages.archive(tmp.resolve("w"), TestPackages.manifest("zeta-ds", "1.0", PackageType.DATASET,
            "Zebra images", List.of("Stripes"), ""), java.util.Map.of("f", "f"), tmp.resolve("oz"))),
        other.toUri(), Optional.empty());
    List<LoadedIndex> idx = client(false, signed(), new MirrorSpec("other", other.toUri(), Optional.empty())).indexes();

    assertThat(Search.search(idx, Optional.of("ALPHA"), Optional.empty()))
        .singleElement().satisfies(h -> {
          assertThat(h.entry().version().value()).isEqualTo("1.10");
          assertThat(h.mirror()).isEqualTo("main");
        });
    assertThat(Search.search(idx, Optional.of("zebra"), Optional.empty())).extracting(h -> h.entry().name().value())
        .containsExactly("zeta-ds");
    assertThat(Search.search(idx, Optional.of("stripes"), Optional.empty())).hasSize(1);
    assertThat(Search.search(idx, Optional.empty(), Optional.of(PackageType.DATASET))).hasSize(1);
    assertThat(Search.search(idx, Optional.empty(), Optional.empty())).extracting(h -> h.entry().name().value())
        .containsExactly("alpha", "zeta-ds");
  }
}
