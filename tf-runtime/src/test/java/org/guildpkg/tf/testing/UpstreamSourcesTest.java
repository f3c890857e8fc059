package org.guildpkg.tf.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.archive.ArchiveWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** {@link UpstreamSources} finds a file by name and sha256, and skips with the reason otherwise. */
class UpstreamSourcesTest {
  @TempDir Path tmp;

  @AfterEach
  void clearProperty() {
    System.clearProperty("guild.sources");
  }

  @Test
  void requireFindsTheFileWhoseNameAndChecksumMatch() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("fixtures"));
    Path file = Files.writeString(dir.resolve("model.tflite"), "weights");
    System.setProperty("guild.sources", tmp.resolve("elsewhere") + ":" + dir);
    assertThat(UpstreamSources.require("model.tflite", ArchiveWriter.sha256(file))).isEqualTo(file);
  }

  @Test
  void requireSkipsNamingTheFileAndTheFoldersSearched() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("fixtures"));
    Files.writeString(dir.resolve("model.tflite"), "other weights");
    System.setProperty("guild.sources", dir.toString());
    String sha = "ab".repeat(32);
    assertThatThrownBy(() -> UpstreamSources.require("model.tflite", sha))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("needs the upstream file model.tflite (sha256 " + sha + ")")
        .hasMessageContaining("not on the source search path " + dir);
    assertThatThrownBy(() -> UpstreamSources.require("absent.bin", sha))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("absent.bin");
  }
}
