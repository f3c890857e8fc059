package org.guildpkg.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.MirrorIndex;
import org.guildpkg.mirror.MirrorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile spellings caught at the door with one line: lengths, BOMs, repeats, URLs. */
class ValidationLimitsTest {
  @TempDir Path dir;

  @Test
  void aNameOrVersionPastItsLimitIsRefusedAtOnce() {
    assertThatThrownBy(() -> PackageName.of("a".repeat(300))).isInstanceOf(GuildException.class)
        .hasMessage("invalid package name '" + "a".repeat(32) + "...' (300 characters): at most 128");
    assertThat(PackageName.isValid("a".repeat(128))).isTrue();
    assertThatThrownBy(() -> Version.parse("1".repeat(5000))).isInstanceOf(GuildException.class)
        .hasMessage("invalid version '" + "1".repeat(32) + "...' (5000 characters): at most 64");
    assertThat(Version.isValid("1".repeat(5000))).isFalse();
  }

  @Test
  void aGuildPkgWithAByteOrderMarkParses() throws IOException {
    Path f = dir.resolve("GuildPkg");
    Files.writeString(f, "\uFEFF[package]\nname = bom\nversion = 1\ntype = source\n",
        StandardCharsets.UTF_8);
    assertThat(GuildPkg.parse(f).name()).isEqualTo(PackageName.of("bom"));
  }

  @Test
  void aKeyGivenTwiceIsAnErrorNamingBothLines() throws IOException {
    Path f = dir.resolve("GuildPkg");
    Files.writeString(f, "[package]\nname = one\nversion = 1\ntype = source\nname = two\n",
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> GuildPkg.parse(f)).isInstanceOf(GuildException.class)
        .hasMessage(f.toAbsolutePath() + ":5: key 'name' in [package] is given again (first on"
            + " line 2); give it once");
  }

  @Test
  void anIndexListingOneVersionTwiceIsRefused() {
    Manifest m = new Manifest(PackageName.of("twice"), Version.parse("1"), PackageType.DATASET,
        "d", List.of(), "MIT", List.of(), List.of(), java.util.Map.of(), Optional.empty(), null);
    IndexEntry e = new IndexEntry(m, "packages/twice/twice-1.pkg.tar.zst", 10, "0".repeat(64));
    byte[] json = MirrorIndex.of(3, List.of(e, e)).toBytes();
    assertThatThrownBy(() -> MirrorIndex.parse(json, "file:///m/index.json"))
        .isInstanceOf(GuildException.class)
        .hasMessage("file:///m/index.json: index lists twice@1 twice; refusing the index");
  }

  @Test
  void anIndexFileWithASchemeIsRefusedAsUnsafe() {
    Manifest m = new Manifest(PackageName.of("s"), Version.parse("1"), PackageType.DATASET,
        "d", List.of(), "MIT", List.of(), List.of(), java.util.Map.of(), Optional.empty(), null);
    assertThatThrownBy(() -> new IndexEntry(m, "http:evil.example/x.pkg.tar.zst", 10, "0".repeat(64)))
        .isInstanceOf(GuildException.class).hasMessageContaining("has an unsafe file path");
  }

  @Test
  void mirrorUrlsHaveOneSpelling() {
    Path d = dir.toAbsolutePath();
    String canonical = d.toUri().toString();
    assertThat(MirrorSpec.parseUrl("file://localhost" + d).toString()).isEqualTo(canonical);
    assertThat(MirrorSpec.parseUrl(d.toUri() + "/.").toString()).isEqualTo(canonical);
    assertThat(MirrorSpec.parseUrl("file://" + d + "/sub/..").toString()).isEqualTo(canonical);
    assertThatThrownBy(() -> MirrorSpec.parseUrl("file://otherhost/srv/m"))
        .isInstanceOf(GuildException.class).hasMessageContaining("not on host 'otherhost'");
  }
}
