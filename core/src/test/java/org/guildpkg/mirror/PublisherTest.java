package org.guildpkg.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest {
  @TempDir Path tmp;

  private MirrorIndex index(Path mirror) throws Exception {
    return MirrorIndex.parse(Files.readAllBytes(mirror.resolve("index.json")), "test");
  }

  @Test
  void publishToFolderWritesArchiveAndSignedIndexWithGrowingSerial() throws Exception {
    Path mirror = tmp.resolve("mirror");
    KeyPair keys = SigningKeys.generate(tmp.resolve("keys"));
    Path a = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "a1", tmp.resolve("out"));
    Path b = TestPackages.simple(tmp.resolve("w"), "model+data", "2.0", "alpha >= 1.0", "b2", tmp.resolve("out"));

    Publisher.PublishResult r1 = Publisher.publish(List.of(a), mirror.toUri(), Optional.of(keys.getPrivate()));
    Publisher.PublishResult r2 = Publisher.publish(List.of(b), mirror.toUri(), Optional.of(keys.getPrivate()));

    assertThat(r1.serial()).isEqualTo(1);
    assertThat(r2.serial()).isEqualTo(2);
    MirrorIndex idx = index(mirror);
    assertThat(idx.packages()).extracting(e -> e.manifest().id()).containsExactly("alpha-1.0", "model+data-2.0");
    IndexEntry e = idx.find(PackageName.of("model+data"), Version.parse("2.0")).orElseThrow();
    assertThat(e.file()).isEqualTo("packages/model+data/model+data-2.0.pkg.tar.zst");
    assertThat(Files.readAllBytes(mirror.resolve(e.file()))).isEqualTo(Files.readAllBytes(b));
    assertThat(e.size()).isEqualTo(Files.size(b));
    assertThat(e.manifest().requires()).hasToString("[alpha >= 1.0]");
    assertThat(SigningKeys.verify(keys.getPublic(), Files.readAllBytes(mirror.resolve("index.json")),
        Files.readAllBytes(mirror.resolve("index.json.sig")))).isTrue();
  }

  @Test
  void republishingTheSameContentIsANoOpAndOtherContentIsRefused() throws Exception {
    Path mirror = tmp.resolve("mirror");
    Path a = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "original", tmp.resolve("out1"));
    Publisher.publish(List.of(a), mirror.toUri(), Optional.empty());
    byte[] before = Files.readAllBytes(mirror.resolve("index.json"));

    Publisher.PublishResult again = Publisher.publish(List.of(a), mirror.toUri(), Optional.empty());
    assertThat(again.added()).isEmpty();
    assertThat(again.unchanged()).hasSize(1);
    assertThat(Files.readAllBytes(mirror.resolve("index.json"))).isEqualTo(before);

    Path changed = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "changed", tmp.resolve("out2"));
    byte[] archiveBefore = Files.readAllBytes(mirror.resolve("packages/alpha/alpha-1.0.pkg.tar.zst"));
    assertThatThrownBy(() -> Publisher.publish(List.of(changed), mirror.toUri(), Optional.empty()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("alpha-1.0 is already on mirror")
        .hasMessageContaining("raise the version");
    assertThat(Files.readAllBytes(mirror.resolve("index.json"))).isEqualTo(before);
    assertThat(Files.readAllBytes(mirror.resolve("packages/alpha/alpha-1.0.pkg.tar.zst"))).isEqualTo(archiveBefore);
  }

  @Test
  void publishingUnsignedToASignedMirrorIsRefused() throws Exception {
    Path mirror = tmp.resolve("mirror");
    KeyPair keys = SigningKeys.generate(tmp.resolve("keys"));
    Publisher.publish(List.of(TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "a", tmp.resolve("o"))),
        mirror.toUri(), Optional.of(keys.getPrivate()));
    Path b = TestPackages.simple(tmp.resolve("w"), "beta", "1.0", "", "b", tmp.resolve("o"));
    assertThatThrownBy(() -> Publisher.publish(List.of(b), mirror.toUri(), Optional.empty()))
        .hasMessageContaining("is signed; pass --key");
    assertThat(index(mirror).packages()).hasSize(1);
  }

  @Test
  void twoConcurrentPublisherProcessesKeepEachOthersEntries() throws Exception {
    Path mirror = tmp.resolve("mirror");
    int perProcess = 5;
    List<List<String>> commands = new ArrayList<>();
    for (String who : List.of("left", "right")) {
      List<String> cmd = new ArrayList<>(List.of(javaBin(), "-cp", System.getProperty("java.class.path"),
          GuildCli.class.getName(), "--home", tmp.resolve("home-" + who).toString()));
      List<String> archives = new ArrayList<>();
      for (int i = 0; i < perProcess; i++) {
        Path a = TestPackages.simple(tmp.resolve("w"), who + i, "1.0", "", who + i, tmp.resolve("out-" + who));
        archives.add(a.toString());
      }
      // One publish call per archive, so that the two processes interleave many index updates.
      StringBuilder script = new StringBuilder();
      for (String a : archives) {
        List<String> one = new ArrayList<>(cmd);
        one.addAll(List.of("publish", a, "--mirror", mirror.toUri().toString()));
        script.append(String.join(" ", one.stream().map(s -> "'" + s + "'").toList())).append(" || exit 1\n");
      }
      commands.add(List.of("bash", "-c", script.toString()));
    }
    List<Process> procs = new ArrayList<>();
    for (List<String> c : commands) {
      procs.add(new ProcessBuilder(c).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("log-" + procs.size()).toFile()).start());
    }
    for (Process p : procs) {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(tmp.resolve("log-" + procs.indexOf(p)))).isZero();
    }
    MirrorIndex idx = index(mirror);
    assertThat(idx.packages()).hasSize(2 * perProcess);
    assertThat(idx.serial()).isEqualTo(2 * perProcess);
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void keyFilesReadBackAndAWrongKeyDoesNotVerify() throws Exception {
    SigningKeys.generate(tmp.resolve("k1"));
    SigningKeys.generate(tmp.resolve("k2"));
    byte[] data = "index".getBytes();
    byte[] sig = SigningKeys.sign(SigningKeys.readPrivate(tmp.resolve("k1/mirror.key")), data);
    assertThat(SigningKeys.verify(SigningKeys.readPublic(tmp.resolve("k1/mirror.pub")), data, sig)).isTrue();
    assertThat(SigningKeys.verify(SigningKeys.readPublic(tmp.resolve("k2/mirror.pub")), data, sig)).isFalse();
    assertThat(Files.readString(tmp.resolve("k1/mirror.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(tmp.resolve("k1/mirror.key")).toString()).doesNotContain("OTHERS");
    assertThatThrownBy(() -> SigningKeys.generate(tmp.resolve("k1"))).hasMessageContaining("exist already");
    assertThat(new File(tmp.resolve("k1").toString()).list()).containsExactlyInAnyOrder("mirror.key", "mirror.pub");
  }
}
