package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Package folders and source tarballs that try to hang or leak a build. */
class HostileBuildTest {
  @TempDir Path tmp;

  private PackageBuilder builder(Path dir) {
    return PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(tmp.resolve("home"))
        .progress(line -> { });
  }

  @Test
  void aFifoInAPackageFolderWithoutAPackagerIsRefusedNotOpened() throws Exception {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("fifo-pkg"),
        Map.of("README", "hello\n"));
    assertThat(new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start().waitFor())
        .isZero();
    assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        assertThatThrownBy(() -> builder(dir).build()).isInstanceOf(GuildException.class)
            .hasMessage("package folder " + dir + ": 'pipe' is not a regular file, folder or link"
                + " (a FIFO, socket or device); packages hold only those, so remove it or name a"
                + " packager"));
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte type, String link)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setLinkName(link);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  /** A source tarball: a -> ., up -> a/.. (the work folder), then whatever {@code more} adds. */
  private Path tarball(Path dir, boolean hardLink) throws IOException {
    Path t = dir.resolve("evil.tar");
    try (OutputStream out = Files.newOutputStream(t);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      TarArchiveEntry f = new TarArchiveEntry("readme.txt");
      byte[] b = "hi\n".getBytes(StandardCharsets.UTF_8);
      f.setSize(b.length);
      tar.putArchiveEntry(f);
      tar.write(b);
      tar.closeArchiveEntry();
      put(tar, "a", TarConstants.LF_SYMLINK, ".");
      put(tar, "up", TarConstants.LF_SYMLINK, "a/..");
      if (hardLink) {
        put(tar, "stolen", TarConstants.LF_LINK, "up/bin/guild");
      }
      tar.finish();
    }
    return t;
  }

  private Path packageWith(Path tarball) {
    Path dir = tarball.getParent();
    PackageFolders.write(dir, PackageFolders.header("evil-src") + "source = evil.tar\n"
        + "sha256sums = " + PackageFolders.sha256(tarball) + "\n", Map.of());
    return dir;
  }

  @Test
  void aHardLinkThroughAChainOfSourceLinksCannotReadOutsideSrcdir() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("hard"));
    packageWith(tarball(dir, true));
    assertThatThrownBy(() -> builder(dir).build()).isInstanceOf(GuildException.class)
        .hasMessageContaining("source evil.tar: hard link stolen -> up/bin/guild is not a file"
            + " inside $srcdir");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aChainOfSourceLinksLeadingOutOfSrcdirIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("soft"));
    packageWith(tarball(dir, false));
    assertThatThrownBy(() -> builder(dir).build()).isInstanceOf(GuildException.class)
        .hasMessageContaining("source evil.tar in $srcdir: symbolic link 'up' points to 'a/..',"
            + " outside");
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
