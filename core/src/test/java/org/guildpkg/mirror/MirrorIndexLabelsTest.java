package org.guildpkg.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.junit.jupiter.api.Test;

/** Labels in {@code index.json}: written sorted, read back, and refused when they name nothing. */
class MirrorIndexLabelsTest {
  private static final PackageName CONVNET = PackageName.of("convnet");

  private static IndexEntry entry(String version) {
    Manifest m = TestPackages.manifest("convnet", version, PackageType.MODEL, "a model", List.of(), "");
    return new IndexEntry(m, IndexEntry.pathFor(m, ".pkg.tar.zst"), 1, "0".repeat(64));
  }

  private static final MirrorIndex TWO = MirrorIndex.of(2, List.of(entry("1.0.1"), entry("1.0.2")));

  @Test
  void labelsRoundTripAndSurviveAPublish() {
    MirrorIndex labelled = TWO.withLabel("stable", CONVNET, Optional.of(Version.parse("1.0.1")))
        .withLabel("best", CONVNET, Optional.of(Version.parse("1.0.1")));
    MirrorIndex read = MirrorIndex.parse(labelled.toBytes(), "test");
    assertThat(read.label("stable", CONVNET)).contains(Version.parse("1.0.1"));
    assertThat(read.labels().keySet()).containsExactly("best", "stable");
    assertThat(read.toBytes()).isEqualTo(labelled.toBytes());
    assertThat(read.with(List.of(entry("1.0.3")), 3).label("best", CONVNET)).contains(Version.parse("1.0.1"));
    assertThat(read.withLabel("best", CONVNET, Optional.empty()).labels().keySet()).containsExactly("stable");
  }

  @Test
  void anIndexWithoutLabelsIsWrittenAsBefore() {
    assertThat(new String(TWO.toBytes(), StandardCharsets.UTF_8)).doesNotContain("labels");
  }

  @Test
  void aLabelNamingAVersionTheIndexLacksIsRefused() {
    String bad = new String(TWO.withLabel("stable", CONVNET, Optional.of(Version.parse("1.0.1"))).toBytes(),
        StandardCharsets.UTF_8).replace("\"convnet\" : \"1.0.1\"", "\"convnet\" : \"9\"");
    assertThatThrownBy(() -> MirrorIndex.parse(bad.getBytes(StandardCharsets.UTF_8), "https://m/index.json"))
        .isInstanceOf(GuildException.class)
        .hasMessage("https://m/index.json: label 'stable' names convnet@9, which the index does not list;"
            + " refusing the index");
    assertThatThrownBy(() -> TWO.withLabel("1st", CONVNET, Optional.of(Version.parse("1.0.1"))))
        .isInstanceOf(GuildException.class).hasMessageStartingWith("invalid label '1st'");
  }
}
