package org.guildpkg.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceTest {
  @Test
  void localSourcesKeepTheirPathAndUseTheLastComponentAsName() {
    Source s = Source.parse("patches/fix.patch");
    assertThat(s.localPath()).contains("patches/fix.patch");
    assertThat(s.fileName()).isEqualTo("fix.patch");
    assertThat(s.isDownload()).isFalse();
  }

  @Test
  void urlsAreNamedByTheirLastPathSegmentOrTheRename() {
    Source u = Source.parse("https://example.org/dl/v1.tar.gz?x=1");
    assertThat(u.fileName()).isEqualTo("v1.tar.gz");
    assertThat(u.isDownload()).isTrue();
    Source r = Source.parse("upstream.tar.gz::https://example.org/get?id=7");
    assertThat(r.fileName()).isEqualTo("upstream.tar.gz");
    assertThat(r.url()).contains(URI.create("https://example.org/get?id=7"));
    assertThat(Source.parse("file:///tmp/a.bin").isDownload()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "../outside.txt", "ftp://h/a.gz",
      "https://example.org/", "a/b::https://example.org/x", "::https://example.org/x"})
  void unsafeOrUnsupportedEntriesAreRefused(String entry) {
    assertThatThrownBy(() -> Source.parse(entry))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("invalid source '" + entry + "'");
  }
}
