package org.guildpkg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.archive.FileEntry;
import org.guildpkg.archive.PathTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile archives, each made byte by byte with Commons Compress and zstd: every one is refused
 * with an error naming the entry, and the store is left exactly as it was.
 */
class MaliciousArchiveTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path home;
  private Store store;
  private List<String> before;

  @BeforeEach
  void storeWithOnePackage() {
    home = tmp.resolve("home");
    store = Store.open(home);
    store.install(TestArchives.simple(tmp.resolve("good"), "good", "1", ""));
    before = TestArchives.snapshot(home);
  }

  /** One tar entry to write: a header and its content (or that many zero bytes). */
  private record Raw(TarArchiveEntry header, byte[] content, long zeros) {
    static Raw file(String name, String content) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name, name.startsWith("/"));
      e.setSize(b.length);
      return new Raw(e, b, 0);
    }

    static Raw special(String name, byte flag, String linkName) {
      TarArchiveEntry e = new TarArchiveEntry(name, flag, name.startsWith("/"));
      if (linkName != null) {
        e.setLinkName(linkName);
      }
      return new Raw(e, new byte[0], 0);
    }
  }

  private static FileEntry declared(String path, String content) {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    return new FileEntry(path, FileEntry.Kind.FILE, 0644, b.length, sha(b), Optional.empty());
  }

  private static FileEntry link(String path, String target) {
    return new FileEntry(path, FileEntry.Kind.SYMLINK, 0777, 0, "", Optional.of(target));
  }

  private static String sha(byte[] b) {
    return HexFormat.of().formatHex(ArchiveWriter.sha256Digest().digest(b));
  }

  private Path archive(List<FileEntry> fileList, Raw... entries) throws IOException {
    Path out = tmp.resolve("evil-1.pkg.tar.zst");
    try (OutputStream raw = Files.newOutputStream(out);
        OutputStream zst = new ZstdOutputStream(raw, 3);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(zst)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      put(tar, Raw.file(".MANIFEST.json",
          JSON.writeValueAsString(TestArchives.manifest("evil", "1", "").toJson())));
      ObjectNode files = JSON.createObjectNode();
      fileList.forEach(f -> files.withArray("files").add(f.toJson()));
      if (fileList.isEmpty()) {
        files.putArray("files");
      }
      put(tar, Raw.file(".FILES.json", JSON.writeValueAsString(files)));
      for (Raw r : entries) {
        put(tar, r);
      }
      tar.finish();
    }
    return out;
  }

  private static void put(TarArchiveOutputStream tar, Raw r) throws IOException {
    tar.putArchiveEntry(r.header());
    tar.write(r.content());
    byte[] zeros = new byte[1 << 20];
    for (long left = r.zeros(); left > 0; left -= zeros.length) {
      tar.write(zeros, 0, (int) Math.min(zeros.length, left));
    }
    tar.closeArchiveEntry();
  }

  private void assertRejected(Path archive, String... messageParts) throws IOException {
    List<String> outside = listing(tmp);
    var thrown = assertThatThrownBy(() -> store.install(archive)).isInstanceOf(GuildException.class)
        .hasMessageContaining("evil-1.pkg.tar.zst");
    for (String part : messageParts) {
      thrown.hasMessageContaining(part);
    }
    assertThat(TestArchives.snapshot(home)).isEqualTo(before);
    assertThat(TestArchives.tmpEntries(home)).isEmpty();
    assertThat(listing(tmp)).isEqualTo(outside);
    assertThat(store.verify(List.of()).ok()).isTrue();
  }

  private static List<String> listing(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void absolutePathIsRejected() throws IOException {
    String abs = tmp.resolve("owned.txt").toString();
    Path a = archive(List.of(declared(abs, "pwned")), Raw.file(abs, "pwned"));
    assertRejected(a, "'" + abs + "' is an absolute path");
    assertThat(tmp.resolve("owned.txt")).doesNotExist();
  }

  @Test
  void absolutePathInsideTheDataFolderIsRejectedEvenWhenTheListLooksHarmless() throws IOException {
    String abs = tmp.resolve("owned.txt").toString();
    Path a = archive(List.of(declared("a.txt", "a")), Raw.file("data/a.txt", "a"),
        Raw.file("data/" + abs, "pwned"));
    assertRejected(a, "entry 'data/" + abs + "' is an absolute path");
  }

  @Test
  void dotDotPathIsRejected() throws IOException {
    Path a = archive(List.of(declared("../../../escape.txt", "x")), Raw.file("data/../../../escape.txt", "x"));
    assertRejected(a, "'../../../escape.txt' is not a plain relative path");
  }

  @Test
  void dotDotEntryNotInTheListIsRejectedBeforeWriting() throws IOException {
    Path a = archive(List.of(declared("a.txt", "a")), Raw.file("data/a.txt", "a"),
        Raw.file("data/sub/../../escape.txt", "x"));
    assertRejected(a, "entry 'data/sub/../../escape.txt' is not a plain relative path");
    assertThat(home.resolve("tmp/escape.txt")).doesNotExist();
  }

  @Test
  void symbolicLinkEscapingThePackageIsRejected() throws IOException {
    Path a = archive(List.of(link("etc", "../../../../etc/passwd")),
        Raw.special("data/etc", TarConstants.LF_SYMLINK, "../../../../etc/passwd"));
    assertRejected(a, "symbolic link 'etc' points to '../../../../etc/passwd', outside the package folder");
  }

  @Test
  void symbolicLinkEscapingThroughAnotherLinkIsRejected() throws IOException {
    // x/a -> ../y stays inside; b -> x/a/../.. looks inside by text but the OS follows x/a first.
    Path a = archive(List.of(
            new FileEntry("x", FileEntry.Kind.DIRECTORY, 0755, 0, "", Optional.empty()),
            link("x/a", "../y"), link("b", "x/a/../.."),
            new FileEntry("y", FileEntry.Kind.DIRECTORY, 0755, 0, "", Optional.empty())),
        Raw.special("data/b", TarConstants.LF_SYMLINK, "x/a/../.."),
        Raw.special("data/x/", TarConstants.LF_DIR, null),
        Raw.special("data/x/a", TarConstants.LF_SYMLINK, "../y"),
        Raw.special("data/y/", TarConstants.LF_DIR, null));
    assertRejected(a, "symbolic link 'b' points to 'x/a/../..', outside the package folder");
  }

  @Test
  void fileBelowASymbolicLinkIsRejected() throws IOException {
    Path a = archive(List.of(link("l", "sub"), declared("l/x.txt", "x")),
        Raw.special("data/l", TarConstants.LF_SYMLINK, "sub"), Raw.file("data/l/x.txt", "x"));
    assertRejected(a, "'l/x.txt' lies below 'l', which is not a folder");
  }

  @Test
  void hardLinkEscapingThePackageIsRejected() throws IOException {
    Path a = archive(List.of(declared("passwd", "")),
        Raw.special("data/passwd", TarConstants.LF_LINK, "/etc/passwd"));
    assertRejected(a, "entry 'data/passwd' is a hard link to '/etc/passwd', outside the package folder");
  }

  @Test
  void deviceFileIsRejected() throws IOException {
    Path a = archive(List.of(declared("sda", "")), Raw.special("data/sda", TarConstants.LF_BLK, null));
    assertRejected(a, "entry 'data/sda' is a device file");
  }

  @Test
  void characterDeviceIsRejected() throws IOException {
    Path a = archive(List.of(declared("null", "")), Raw.special("data/null", TarConstants.LF_CHR, null));
    assertRejected(a, "entry 'data/null' is a device file");
  }

  @Test
  void fifoIsRejected() throws IOException {
    Path a = archive(List.of(declared("pipe", "")), Raw.special("data/pipe", TarConstants.LF_FIFO, null));
    assertRejected(a, "entry 'data/pipe' is a FIFO");
  }

  @Test
  void duplicatePathIsRejected() throws IOException {
    Path a = archive(List.of(declared("a.txt", "a")), Raw.file("data/a.txt", "a"), Raw.file("data/a.txt", "a"));
    assertRejected(a, "entry 'data/a.txt' appears twice");
  }

  @Test
  void entryNotInTheFileListIsRejected() throws IOException {
    Path a = archive(List.of(declared("a.txt", "a")), Raw.file("data/a.txt", "a"), Raw.file("data/b.txt", "b"));
    assertRejected(a, "entry 'data/b.txt' is not in the file list");
  }

  @Test
  void fileListEntryMissingFromTheArchiveIsRejected() throws IOException {
    Path a = archive(List.of(declared("a.txt", "a"), declared("c.txt", "c")), Raw.file("data/a.txt", "a"));
    assertRejected(a, "'c.txt' is in the file list but missing from the archive");
  }

  @Test
  void sizeMismatchIsRejected() throws IOException {
    Path a = archive(List.of(declared("a.txt", "12345")), Raw.file("data/a.txt", "123456"));
    assertRejected(a, "entry 'data/a.txt' holds 6 bytes but the file list declares 5");
  }

  @Test
  void sha256MismatchIsRejected() throws IOException {
    Path a = archive(List.of(declared("a.txt", "right")), Raw.file("data/a.txt", "wrong"));
    assertRejected(a, "entry 'data/a.txt' has sha256 " + sha("wrong".getBytes(StandardCharsets.UTF_8)),
        "but the file list declares " + sha("right".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void zstdBombExceedingTheDeclaredSizeIsRejectedFromItsHeader() throws IOException {
    long huge = 256L << 20;
    TarArchiveEntry e = new TarArchiveEntry("data/bomb.bin");
    e.setSize(huge);
    Path a = archive(List.of(declared("bomb.bin", "tiny")), new Raw(e, new byte[0], huge));
    assertThat(Files.size(a)).as("a bomb: tiny on disk, 256 MiB inside").isLessThan(1 << 20);
    assertRejected(a, "entry 'data/bomb.bin' holds " + huge + " bytes but the file list declares 4");
  }

  @Test
  void fileListClaimingTheStoresOwnMetadataNameIsRejected() throws IOException {
    Path a = archive(List.of(declared(".MANIFEST.json", "{}")), Raw.file("data/.MANIFEST.json", "{}"));
    assertRejected(a, "'.MANIFEST.json' uses a name the store keeps for itself");
  }

  @Test
  void aPathOfHundredsOfThousandsOfPartsIsRefusedAtOnce() throws IOException {
    String deep = "a/".repeat(400_000) + "x";
    Path a = archive(List.of(declared(deep, "x")), Raw.file("data/x", "x"));
    assertThat(Files.size(a)).as("a tiny archive").isLessThan(64 << 10);
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertRejected(a, "is longer than 4096 bytes"));
  }

  @Test
  void aPathDeeperThanTheLimitIsRefused() throws IOException {
    String deep = "a/".repeat(PathTree.MAX_DEPTH) + "x";
    Path a = archive(List.of(declared(deep, "x")), Raw.file("data/" + deep, "x"));
    assertRejected(a, "is deeper than " + PathTree.MAX_DEPTH + " folders");
  }

  @Test
  void thousandsOfChainedLinksAreResolvedOnceEach() throws IOException {
    // 2,000 links deep in a folder, each with a long target that ends in the previous link
    // (chains of 39, under the hop limit): re-walking every chain on every hop took minutes.
    // The file list alone is checked before any data: the archive holds none of its entries.
    String dir = "d/".repeat(199) + "d";
    List<FileEntry> list = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      list.add(new FileEntry("d/".repeat(i - 1) + "d", FileEntry.Kind.DIRECTORY, 0755, 0, "",
          Optional.empty()));
    }
    String noise = "x/../".repeat(780);
    for (int i = 0; i < 2000; i++) {
      list.add(link(dir + "/l" + i, noise + (i % 39 == 0 ? "." : "l" + (i - 1))));
    }
    Path a = archive(list);
    assertThat(Files.size(a)).as("a tiny archive").isLessThan(64 << 10);
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> assertRejected(a, "'d' is in the file list but missing from the archive"));
  }

  @Test
  void aLinkLoopIsRefused() throws IOException {
    Path a = archive(List.of(link("a", "b/x"), link("b", "a/y")),
        Raw.special("data/a", TarConstants.LF_SYMLINK, "b/x"),
        Raw.special("data/b", TarConstants.LF_SYMLINK, "a/y"));
    assertRejected(a, "symbolic link 'a' points to 'b/x', outside the package folder (or through a loop");
  }

  @Test
  void aLinkEscapingThroughALinkToDotIsRefused() throws IOException {
    // l1 -> . is the package folder; l2 -> l1/.. reads as the package folder but is its parent.
    Path a = archive(List.of(link("l1", "."), link("l2", "l1/..")),
        Raw.special("data/l1", TarConstants.LF_SYMLINK, "."),
        Raw.special("data/l2", TarConstants.LF_SYMLINK, "l1/.."));
    assertRejected(a, "symbolic link 'l2' points to 'l1/..', outside the package folder");
  }
}
