package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Control characters in a package's description and file names never reach the terminal raw. */
class TerminalEscapesTest {
  private static final String CLEAR = "\u001b[2J";
  private static final String TITLE = "\u001b]0;owned\u0007";

  @TempDir Path tmp;

  @Test
  void descriptionsAndFileNamesAreEscapedOnOutput() throws IOException {
    Path pkgdir = Files.createDirectories(tmp.resolve("pkgdir"));
    String evilName = "a" + CLEAR + "b.txt";
    Files.writeString(pkgdir.resolve(evilName), "content\n");
    Manifest m = new Manifest(PackageName.of("evil"), Version.parse("1"), PackageType.DATASET,
        "clears" + CLEAR + "the screen" + TITLE, List.of(), "MIT", List.of(), List.of(), Map.of(),
        Optional.empty(), null);
    Path archive = ArchiveWriter.write(m, pkgdir, tmp.resolve("out"), 0);
    Path home = tmp.resolve("home");
    Store.open(home).install(archive);
    Files.writeString(home.resolve("packages/evil/1").resolve(evilName), "changed\n");

    String all = CliRun.guild(home, "list").out() + CliRun.guild(home, "info", "evil").out()
        + CliRun.guild(home, "verify").out() + CliRun.guild(home, "verify").err();
    assertThat(all).doesNotContain("\u001b").doesNotContain("\u0007")
        .contains("clears\\x1b[2Jthe screen\\x1b]0;owned\\x07")
        .contains("a\\x1b[2Jb.txt");
  }

  @Test
  void escapeKeepsLineEndsAndTabsAndPlainText() {
    assertThat(TerminalText.escape("a\tb\r\nc ü")).isEqualTo("a\tb\r\nc ü");
    assertThat(TerminalText.escape("x\u009by\u202ez\bq")).isEqualTo("x\\x9by\\u202ez\\x08q");
  }
}
