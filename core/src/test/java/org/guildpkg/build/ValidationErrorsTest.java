package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every GuildPkg validation error names file, line and key, and no archive appears. */
class ValidationErrorsTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      missing name         | [package]\\nversion = 1\\ntype = source                           | 1 | name       | missing
      bad name             | [package]\\nname = Bad_Name\\nversion = 1\\ntype = source          | 2 | name       | invalid package name 'Bad_Name'
      bad version          | [package]\\nname = x\\n\\nversion = 1..2\\ntype = source          | 4 | version    | invalid version '1..2'
      missing version      | ; c\\n[package]\\nname = x\\ntype = source                        | 2 | version    | missing
      unknown type         | [package]\\nname = x\\nversion = 1\\ntype = movie                 | 4 | type       | unknown package type 'movie'
      sha256sums count     | [package]\\nname = x\\nversion = 1\\ntype = source\\nsource = \\\\\\n  a.txt \\\\\\n  b.txt\\nsha256sums = SKIP | 8 | sha256sums | 2 source entries but 1 sha256sums entries
      no sha256sums        | [package]\\nname = x\\nversion = 1\\ntype = source\\nsource = a.txt | 5 | source     | 1 source entries but 0 sha256sums entries
      bad checksum text    | [package]\\nname = x\\nversion = 1\\ntype = source\\nsource = a.txt\\nsha256sums = abc | 6 | sha256sums | 'abc' is neither 64 hex digits nor SKIP
      unparseable requires | [package]\\nname = x\\nversion = 1\\ntype = source\\nrequires = fashion-mnist >> 1.0 | 5 | requires | invalid
      missing packager     | [package]\\nname = x\\nversion = 1\\ntype = source\\npackager = build.sh | 5 | packager | no packager file 'build.sh'
      bad source           | [package]\\nname = x\\nversion = 1\\ntype = source\\nsource = ftp://h/a.gz\\nsha256sums = SKIP | 5 | source | only file://, http:// and https://
      escaping source      | [package]\\nname = x\\nversion = 1\\ntype = source\\nsource = ../a.txt\\nsha256sums = SKIP | 5 | source | inside the package folder
      """)
  void validationErrorNamesFileLineAndKeyAndLeavesNoArchive(
      String what, String guildPkg, int line, String key, String problem) {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), guildPkg.replace("\\n", "\n")
        .replace("\\\\", "\\"), Map.of("a.txt", "a", "b.txt", "b"));
    Path out = tmp.resolve("out");
    Path home = tmp.resolve("home");
    Path file = dir.resolve("GuildPkg").toAbsolutePath();
    assertThatThrownBy(() -> PackageBuilder.forDirectory(dir).output(out).home(home).build())
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith(file + ":" + line + ": " + key + ": ")
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(PackageFolders.listing(out)).isEmpty();
    assertThat(PackageFolders.workLeftovers(home)).isEmpty();
    assertThat(PackageFolders.listing(dir)).containsExactlyInAnyOrder("GuildPkg", "a.txt", "b.txt");
  }
}
