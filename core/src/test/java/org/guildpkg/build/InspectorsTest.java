package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.guildpkg.GuildException;
import org.guildpkg.archive.PackageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every PackageInspector on the class path sees $pkgdir before the archive is written. */
class InspectorsTest {
  @TempDir Path tmp;

  @Test
  void inspectorDataLandsInTheManifestsInterface() throws Exception {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("inspector-test"),
        Map.of("b.txt", "b", "a.txt", "a"));
    Path archive = PackageBuilder.forDirectory(dir).output(tmp.resolve("out"))
        .home(tmp.resolve("home")).build();
    JsonNode manifest = new ObjectMapper().readTree(
        PackageFolders.entries(archive).get(PackageFormat.MANIFEST));
    assertThat(manifest.get("interface").get("topLevelFiles"))
        .extracting(JsonNode::asText).containsExactly("a.txt", "b.txt");
  }

  @Test
  void anInspectorThatRejectsThePackageLeavesNoArchive() {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("inspector-test-bad"),
        Map.of("reject.me", "x"));
    assertThatThrownBy(() -> PackageBuilder.forDirectory(dir).output(tmp.resolve("out"))
        .home(tmp.resolve("home")).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("reject.me found");
    assertThat(PackageFolders.listing(tmp.resolve("out"))).isEmpty();
    assertThat(PackageFolders.listing(tmp.resolve("home/tmp"))).isEmpty();
  }
}
