package org.guildpkg.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuildPkgParserTest {
  private static final String A = "a".repeat(64);
  private static final String B = "B".repeat(64);

  @TempDir Path dir;

  private GuildPkg parse(String text) throws IOException {
    Path file = dir.resolve("GuildPkg");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return GuildPkg.parse(file);
  }

  @Test
  void readsTheDesignsExampleWithContinuationsAndInlineComments() throws IOException {
    Files.writeString(dir.resolve("packager"), "package() { :; }\n");
    GuildPkg pkg = parse("""
        [package]
        name = mnist-tutorial-src          ; lowercase letters, digits, . _ - +
        version = 1                        ; dotted numbers, optional -suffix
        type = source                      ; dataset | model | source
        description = TensorFlow MNIST tutorial source
        tags = mnist tutorial
        license = Apache-2.0
        requires = fashion-mnist >= 1.0    ; comma-separated constraints on other packages
        source = \\
            https://example.org/upstream.tar.gz \\
            renamed.gz::https://example.org/x.gz \\
            tensorflow.patch \\
            Guild.in
        sha256sums = \\
            %s \\
            %s \\
            SKIP \\
            SKIP
        packager = packager

        [references]
        github = https://github.com/tensorflow/tensorflow
        """.formatted(A, B));
    assertThat(pkg.name()).isEqualTo(PackageName.of("mnist-tutorial-src"));
    assertThat(pkg.version()).isEqualTo(Version.parse("1"));
    assertThat(pkg.type()).isEqualTo(PackageType.SOURCE);
    assertThat(pkg.description()).isEqualTo("TensorFlow MNIST tutorial source");
    assertThat(pkg.tags()).containsExactly("mnist", "tutorial");
    assertThat(pkg.license()).isEqualTo("Apache-2.0");
    assertThat(pkg.requires()).containsExactly(Requirement.parse("fashion-mnist >= 1.0"));
    assertThat(pkg.sources()).containsExactly("https://example.org/upstream.tar.gz",
        "renamed.gz::https://example.org/x.gz", "tensorflow.patch", "Guild.in");
    assertThat(pkg.sha256sums()).containsExactly(A, B.toLowerCase(), "SKIP", "SKIP");
    assertThat(pkg.packager()).contains("packager");
    assertThat(pkg.references()).containsEntry("github", "https://github.com/tensorflow/tensorflow");
    assertThat(pkg.lines()).containsEntry("name", 2).containsEntry("source", 9)
        .containsEntry("sha256sums", 14).containsEntry("references.github", 22);
    assertThat(pkg.where("sha256sums")).isEqualTo(dir.resolve("GuildPkg").toAbsolutePath() + ":14");
  }

  @Test
  void readsCrlfFilesLikeLfFiles() throws IOException {
    String lf = "[package]\nname = x\nversion = 1.0\ntype = model ; a comment\n"
        + "source = \\\n  a.txt \\\n  b.txt\nsha256sums = SKIP \\\n SKIP\n";
    GuildPkg unix = parse(lf);
    GuildPkg dos = parse(lf.replace("\n", "\r\n"));
    assertThat(dos.sources()).containsExactly("a.txt", "b.txt").isEqualTo(unix.sources());
    assertThat(dos.type()).isEqualTo(PackageType.MODEL);
    assertThat(dos.lines()).isEqualTo(unix.lines());
  }

  @Test
  void skipsCommentLinesOfBothKindsAlsoInsideAContinuedValue() throws IOException {
    GuildPkg pkg = parse("""
        # hash comment
        ; semicolon comment
        [package]
        name = x
        version = 2
        type = dataset
        source = \\
            a.txt \\
        # a comment line between entries
            b.txt
        sha256sums = SKIP SKIP
        """);
    assertThat(pkg.sources()).containsExactly("a.txt", "b.txt");
    assertThat(pkg.lines()).containsEntry("name", 4);
  }

  @Test
  void keepsHashesAndSemicolonsThatAreNotPrecededByWhitespace() throws IOException {
    GuildPkg pkg = parse("""
        [package]
        name = x
        version = 1
        type = source
        description = a;b#c   # but this goes
        source = u.tar.gz::https://example.org/get;id=1#frag  ; comment
        sha256sums = SKIP
        """);
    assertThat(pkg.description()).isEqualTo("a;b#c");
    assertThat(pkg.sources()).containsExactly("u.tar.gz::https://example.org/get;id=1#frag");
  }

  @Test
  void acceptsEmptyValuesAsAbsent() throws IOException {
    GuildPkg pkg = parse("""
        [package]
        name = x
        version = 1
        type = source
        description =
        tags =
        license =     ; none yet
        requires =
        source =
        sha256sums =
        packager =
        [references]
        """);
    assertThat(pkg.description()).isEmpty();
    assertThat(pkg.tags()).isEmpty();
    assertThat(pkg.license()).isEmpty();
    assertThat(pkg.requires()).isEmpty();
    assertThat(pkg.sources()).isEmpty();
    assertThat(pkg.packager()).isEmpty();
    assertThat(pkg.references()).isEmpty();
  }

  @Test
  void aTrailingBackslashBeforeABlankLineDoesNotSwallowTheNextSection() throws IOException {
    GuildPkg pkg = parse("""
        [package]
        name = x
        version = 1
        type = source
        tags = a b \\

        [references]
        home = https://example.org
        """);
    assertThat(pkg.tags()).containsExactly("a", "b");
    assertThat(pkg.references()).containsEntry("home", "https://example.org");
  }

  @Test
  void unknownKeysAreWarningsNotErrors() throws IOException {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    GuildPkg pkg;
    try {
      System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
      pkg = parse("[package]\nname = x\nversion = 1\ntype = source\nmaintainer = me\n"
          + "[extra]\nfoo = bar\n");
    } finally {
      System.setErr(saved);
    }
    assertThat(pkg.name().value()).isEqualTo("x");
    // slf4j-simple (the test's logging backend) writes warnings to standard error.
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("GuildPkg:5: unknown key 'maintainer' in [package] is ignored")
        .contains("GuildPkg:7: unknown key 'foo' in [extra] is ignored");
  }

  @Test
  void preprocessingKeepsTheLineCountSoIni4jLinesMatch() {
    String raw = "[package]\r\nname = x ; c\r\nsource = \\\r\n  a \\\r\n\r\n[references]\n";
    GuildPkgParser.Preprocessed p = GuildPkgParser.preprocess(raw);
    assertThat(p.text().split("\n", -1)).hasSize(raw.split("\r\n|\n", -1).length);
    assertThat(p.text()).contains("name = x\n").contains("  a\n");
    assertThat(p.lines()).isEqualTo(
        Map.of("[package]", 1, "name", 2, "source", 3, "[references]", 6));
  }

  @Test
  void wordsSplitsOnAnyWhitespace() {
    assertThat(GuildPkgParser.words("  a\tb   c ")).isEqualTo(List.of("a", "b", "c"));
    assertThat(GuildPkgParser.words("   ")).isEmpty();
  }

  @Test
  void aLineThatIsNotIniNamesFileAndLine() {
    assertThatThrownBy(() -> parse("name = x\n"))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith(dir.resolve("GuildPkg").toAbsolutePath() + ":1: ");
  }

  @Test
  void aMissingFileSaysSo() {
    assertThatThrownBy(() -> GuildPkg.parse(dir.resolve("nope/GuildPkg")))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("nope/GuildPkg: no such file");
  }
}
