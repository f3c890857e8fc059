package org.guildpkg.install;

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
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Publisher;
import org.guildpkg.mirror.SigningKeys;
import org.guildpkg.mirror.TestPackages;
import org.guildpkg.spec.Requirement;
import org.guildpkg.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults while installing from mirrors: each fails clearly and leaves store and mirror unchanged. */
class InstallFaultsTest {
  @TempDir Path tmp;
  Path mirror;
  Path home;
  KeyPair keys;

  @BeforeEach
  void publish() {
    mirror = tmp.resolve("mirror");
    home = tmp.resolve("home");
    keys = SigningKeys.generate(tmp.resolve("keys"));
    Path data = TestPackages.simple(tmp.resolve("w"), "data", "1.0", "", "x".repeat(200_000), tmp.resolve("o"));
    Path model = TestPackages.simple(tmp.resolve("w"), "model", "1.0", "data >= 1.0", "weights", tmp.resolve("o"));
    Publisher.publish(List.of(data, model), mirror.toUri(), Optional.of(keys.getPrivate()));
  }

  private PackageManager manager(MirrorSpec... mirrors) {
    return new PackageManager(Store.open(home), new Mirrors(home, false, w -> {}, List.of(mirrors)));
  }

  private MirrorSpec signed(URI url) {
    return new MirrorSpec("main", url, Optional.of(keys.getPublic()));
  }

  /** Every file below a folder with its bytes, to compare before and after. */
  static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), org.guildpkg.archive.ArchiveWriter.sha256(p));
      }
    }
    return out;
  }

  private void assertFailsLeavingEverythingUnchanged(PackageManager pm, String message) throws Exception {
    Map<String, String> mirrorBefore = snapshot(mirror);
    assertThatThrownBy(() -> pm.install(List.of(Requirement.parse("model"))))
        .isInstanceOf(GuildException.class).hasMessageContaining(message);
    assertThat(Store.open(home).installed()).isEmpty();
    assertThat(snapshot(mirror)).isEqualTo(mirrorBefore);
  }

  @Test
  void installPullsInRequiresFromASignedFileMirror() {
    List<GuildPackage> got = manager(signed(mirror.toUri())).install(List.of(Requirement.parse("model")));
    assertThat(got).extracting(GuildPackage::toString).containsExactly("model@1.0");
    assertThat(Store.open(home).installed()).extracting(GuildPackage::toString).containsExactly("data@1.0", "model@1.0");
  }

  @Test
  void checksumMismatchIsRefused() throws Exception {
    Path archive = mirror.resolve("packages/data/data-1.0.pkg.tar.zst");
    byte[] bytes = Files.readAllBytes(archive);
    bytes[bytes.length / 2] ^= 1;
    Files.write(archive, bytes);
    assertFailsLeavingEverythingUnchanged(manager(signed(mirror.toUri())), "checksum mismatch for " + archive.toUri());
    try (Stream<Path> s = Files.list(home.resolve("cache/downloads"))) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pkg.tar.zst"));
    }
  }

  @Test
  void mirrorDownIsAnErrorNamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertFailsLeavingEverythingUnchanged(manager(signed(URI.create("http://127.0.0.1:" + port + "/"))),
        "no mirror could be reached: mirror 'main' is unreachable");
  }

  @Test
  void tamperedIndexIsRefused() throws Exception {
    Path index = mirror.resolve("index.json");
    Files.writeString(index, Files.readString(index).replace("\"data >= 1.0\"", "\"data >= 0.1\""));
    assertFailsLeavingEverythingUnchanged(manager(signed(mirror.toUri())), "tampered with");
  }

  @Test
  void indexSignedWithAnotherKeyIsRefused() throws Exception {
    KeyPair other = SigningKeys.generate(tmp.resolve("other"));
    Files.write(mirror.resolve("index.json.sig"),
        SigningKeys.sign(other.getPrivate(), Files.readAllBytes(mirror.resolve("index.json"))));
    assertFailsLeavingEverythingUnchanged(manager(signed(mirror.toUri())), "does not match the key of mirror 'main'");
  }

  @Test
  void rolledBackSerialIsRefused() throws Exception {
    byte[] oldIndex = Files.readAllBytes(mirror.resolve("index.json"));
    byte[] oldSig = Files.readAllBytes(mirror.resolve("index.json.sig"));
    Publisher.publish(List.of(TestPackages.simple(tmp.resolve("w"), "other", "1.0", "", "o", tmp.resolve("o2"))),
        mirror.toUri(), Optional.of(keys.getPrivate()));
    new Mirrors(home, false, w -> {}, List.of(signed(mirror.toUri()))).indexes();
    Files.write(mirror.resolve("index.json"), oldIndex);
    Files.write(mirror.resolve("index.json.sig"), oldSig);
    assertFailsLeavingEverythingUnchanged(manager(signed(mirror.toUri())), "rolled-back");
  }

  @Test
  void offlineInstallUsesTheCachedIndexAndSaysWhenThatIsNotEnough() {
    PackageManager offline = new PackageManager(Store.open(home),
        new Mirrors(home, true, w -> {}, List.of(signed(URI.create("http://127.0.0.1:9/")))));
    assertThatThrownBy(() -> offline.install(List.of(Requirement.parse("model"))))
        .hasMessageContaining("package model (requested) was not found in the installed packages")
        .hasMessageContaining("offline");
  }

  @Test
  void truncatedDownloadIsResumedWithRangeAndInstallsCorrectly() throws Exception {
    List<String> ranges = new CopyOnWriteArrayList<>();
    AtomicBoolean cut = new AtomicBoolean(true);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      Path file = mirror.resolve(ex.getRequestURI().getPath().substring(1));
      if (!Files.isRegularFile(file)) {
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return;
      }
      byte[] body = Files.readAllBytes(file);
      String range = ex.getRequestHeaders().getFirst("Range");
      int start = 0;
      if (file.toString().endsWith(".pkg.tar.zst")) {
        ranges.add(range == null ? "none" : range);
      }
      if (range != null) {
        start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
        ex.sendResponseHeaders(206, body.length - start);
      } else {
        ex.sendResponseHeaders(200, body.length);
      }
      try (OutputStream out = ex.getResponseBody()) {
        if (file.getFileName().toString().startsWith("data-") && cut.getAndSet(false)) {
          out.write(body, 0, body.length / 3); // then the connection ends mid-body
          out.flush();
          ex.close();
          return;
        }
        out.write(body, start, body.length - start);
      }
    });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      manager(signed(url)).install(List.of(Requirement.parse("model")));
    } finally {
      server.stop(0);
    }
    assertThat(ranges).contains("none").anyMatch(r -> r.matches("bytes=[1-9]\\d*-"));
    assertThat(Store.open(home).verify(List.of()).ok()).isTrue();
    assertThat(home.resolve("packages/data/1.0/README.txt")).hasContent("x".repeat(200_000));
  }
}
