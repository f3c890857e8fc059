package org.guildpkg.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveRoundTripTest {
  @TempDir Path tmp;

  static Manifest manifest() {
    return new Manifest(PackageName.of("demo"), Version.parse("1.2"), PackageType.SOURCE, "a demo",
        List.of("x", "y"), "Apache-2.0", Requirement.parseList("fashion-mnist >= 1.0"),
        List.of("a.txt"), Map.of("github", "https://example.org"), Optional.empty(), null);
  }

  private Path pkgdir() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("pkg/sub"));
    Files.writeString(d.resolve("b.txt"), "bee");
    Files.writeString(tmp.resolve("pkg/a.txt"), "aye");
    Path script = tmp.resolve("pkg/run.sh");
    Files.writeString(script, "#!/bin/sh\n");
    script.toFile().setExecutable(true);
    Files.createSymbolicLink(tmp.resolve("pkg/link"), Path.of("sub/b.txt"));
    return tmp.resolve("pkg");
  }

  @Test
  void writtenArchiveReadsBackWithManifestFileListAndData() throws IOException {
    Path archive = ArchiveWriter.write(manifest(), pkgdir(), tmp.resolve("out"), 0);
    assertThat(archive.getFileName().toString()).isEqualTo("demo-1.2.pkg.tar.zst");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)))
        .isEqualTo("rw-r--r--");
    try (ArchiveReader r = ArchiveReader.open(archive)) {
      assertThat(r.manifest().toJson()).isEqualTo(manifest().toJson());
      assertThat(r.files()).extracting(FileEntry::path)
          .containsExactly("a.txt", "link", "run.sh", "sub", "sub/b.txt");
      assertThat(r.files().get(2).mode()).isEqualTo(0755);
      assertThat(r.files().get(0).mode()).isEqualTo(0644);
      List<String> names = new ArrayList<>();
      for (TarArchiveEntry e; (e = r.nextDataEntry()) != null; ) {
        names.add(e.getName());
        if (e.getName().equals("data/sub/b.txt")) {
          assertThat(new String(r.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bee");
        }
        assertThat(e.getModTime().getTime()).isZero();
      }
      assertThat(names).containsExactly("data/a.txt", "data/link", "data/run.sh", "data/sub/", "data/sub/b.txt");
    }
  }

  @Test
  void twoWritesOfTheSameInputsAreByteIdentical() throws IOException {
    Path dir = pkgdir();
    Path a = ArchiveWriter.write(manifest(), dir, tmp.resolve("a"), 0);
    dir.resolve("a.txt").toFile().setLastModified(123_000L);
    Path b = ArchiveWriter.write(manifest(), dir, tmp.resolve("b"), 0);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void linkOutsideThePackageIsRefusedAndLeavesNoArchive() throws IOException {
    Path dir = pkgdir();
    Files.createSymbolicLink(dir.resolve("escape"), Path.of("../../etc/passwd"));
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> ArchiveWriter.write(manifest(), dir, out, 0))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("escape")
        .hasMessageContaining("outside the package folder");
    assertThat(out.toFile().list() == null ? new String[0] : out.toFile().list()).isEmpty();
  }

  @Test
  void linkEscapingThroughAnotherLinkIsRefusedAsInstallWould() throws IOException {
    Path dir = pkgdir();
    Files.createSymbolicLink(dir.resolve("here"), Path.of("."));
    Files.createSymbolicLink(dir.resolve("up"), Path.of("here/.."));
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> ArchiveWriter.write(manifest(), dir, out, 0))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("symbolic link 'up' points to 'here/..', outside the package folder");
    assertThat(out.toFile().list() == null ? new String[0] : out.toFile().list()).isEmpty();
  }

  @Test
  void aFileThatIsNoArchiveIsNamedInTheError() throws IOException {
    Path junk = Files.writeString(tmp.resolve("junk.pkg.tar.zst"), "hello");
    assertThatThrownBy(() -> ArchiveReader.open(junk))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("junk.pkg.tar.zst");
  }
}
