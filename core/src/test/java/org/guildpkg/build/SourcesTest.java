package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources: local files, file:// and http:// URLs, checksums, the cache, extraction. */
class SourcesTest {
  @TempDir Path tmp;
  private HttpServer server;
  private String base;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      if (path.startsWith("/redirect/")) {
        ex.getResponseHeaders().add("Location", "/files/" + path.substring("/redirect/".length()));
        ex.sendResponseHeaders(302, -1);
      } else if (served.containsKey(path)) {
        byte[] body = served.get(path);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      } else {
        ex.sendResponseHeaders(404, -1);
      }
      ex.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private Path home() {
    return tmp.resolve("home");
  }

  private Path out() {
    return tmp.resolve("out");
  }

  private PackageBuilder builder(Path dir) {
    return PackageBuilder.forDirectory(dir).output(out()).home(home()).progress(l -> { })
        .sources(SourceSearchPath.empty());
  }

  private Path folder(String source, String sums, Map<String, String> files) {
    return PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("src-test")
        + "source = " + source + "\nsha256sums = " + sums + "\n", files);
  }

  @Test
  void checksumMismatchStopsTheBuildBeforeAnyPackagerFunctionRuns() {
    Path dir = folder("data.txt", "0".repeat(64), Map.of("data.txt", "data",
        "packager", "prepare() { touch \"$startdir/prepare-ran\"; }\npackage() { :; }\n"));
    PackageFolders.write(dir, PackageFolders.header("src-test") + "source = data.txt\n"
        + "sha256sums = " + "0".repeat(64) + "\npackager = packager\n", Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining(dir.resolve("GuildPkg") + ":6: ")
        .hasMessageContaining("sha256 mismatch for source 'data.txt'")
        .hasMessageContaining("expected " + "0".repeat(64) + ", got "
            + PackageFolders.sha256("data"));
    assertThat(dir.resolve("prepare-ran")).doesNotExist();
    assertThat(PackageFolders.listing(out())).isEmpty();
    assertThat(PackageFolders.workLeftovers(home())).isEmpty();
  }

  @Test
  void missingLocalSourceNamesTheFile() {
    Path dir = folder("absent.txt", "SKIP", Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("source 'absent.txt' is missing: no file " + dir.resolve("absent.txt"));
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  @Test
  void http404NamesTheUrlAndLeavesNothingInTheCache() {
    Path dir = folder(base + "/files/nope.txt", "SKIP", Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("source " + base + "/files/nope.txt cannot be downloaded (HTTP 404)");
    assertThat(PackageFolders.listing(home().resolve("cache/sources")))
        .noneMatch(p -> p.endsWith(".txt") || p.endsWith(".part"));
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  @Test
  void redirectsAreFollowedAndTheFileIsVerified() {
    served.put("/files/hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
    Path dir = folder(base + "/redirect/hello.txt", PackageFolders.sha256("hello"), Map.of());
    Path archive = builder(dir).build();
    assertThat(hits.get("/redirect/hello.txt")).hasValue(1);
    assertThat(hits.get("/files/hello.txt")).hasValue(1);
    assertThat(PackageFolders.entries(archive)).containsEntry("data/hello.txt", "hello");
  }

  @Test
  void downloadsAreCachedAndReusedWhileTheirChecksumMatches() throws IOException {
    served.put("/files/v.txt", "one".getBytes(StandardCharsets.UTF_8));
    Path dir = folder(base + "/files/v.txt", PackageFolders.sha256("one"), Map.of());
    builder(dir).build();
    Path second = builder(dir).build();
    assertThat(hits.get("/files/v.txt")).hasValue(1);
    assertThat(PackageFolders.entries(second)).containsEntry("data/v.txt", "one");

    // Upstream changed and the maintainer updated the checksum: the stale cache entry is replaced.
    served.put("/files/v.txt", "two".getBytes(StandardCharsets.UTF_8));
    folder(base + "/files/v.txt", PackageFolders.sha256("two"), Map.of());
    Path third = builder(dir).build();
    assertThat(hits.get("/files/v.txt")).hasValue(2);
    assertThat(PackageFolders.entries(third)).containsEntry("data/v.txt", "two");
  }

  @Test
  void aDownloadWithTheWrongChecksumIsNotCached() {
    served.put("/files/w.txt", "evil".getBytes(StandardCharsets.UTF_8));
    Path dir = folder(base + "/files/w.txt", PackageFolders.sha256("good"), Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("sha256 mismatch for source " + base + "/files/w.txt");
    assertThat(PackageFolders.listing(home().resolve("cache/sources")))
        .noneMatch(p -> p.endsWith("w.txt") || p.endsWith(".part"));
  }

  @Test
  void offlineBuildsUseTheCacheAndRefuseToDownload() {
    served.put("/files/o.txt", "o".getBytes(StandardCharsets.UTF_8));
    Path dir = folder(base + "/files/o.txt", PackageFolders.sha256("o"), Map.of());
    assertThatThrownBy(() -> builder(dir).offline(true).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("is neither in the source cache nor on the source search path")
        .hasMessageContaining("and guild is offline");
    assertThat(hits).isEmpty();
    builder(dir).build();
    Path archive = builder(dir).offline(true).build();
    assertThat(hits.get("/files/o.txt")).hasValue(1);
    assertThat(PackageFolders.entries(archive)).containsEntry("data/o.txt", "o");
  }

  @Test
  void aMatchingFileOnTheSearchPathIsUsedInsteadOfDownloadingAndCopiedIntoTheCache()
      throws IOException {
    served.put("/files/big.bin", "upstream".getBytes(StandardCharsets.UTF_8));
    Path mirror = Files.createDirectories(tmp.resolve("fixtures"));
    Files.writeString(mirror.resolve("big.bin"), "upstream");
    Path dir = folder(base + "/files/big.bin", PackageFolders.sha256("upstream"), Map.of());
    List<String> lines = new java.util.ArrayList<>();
    Path archive = builder(dir).sources(SourceSearchPath.parse(tmp.resolve("none") + ":" + mirror))
        .progress(lines::add).build();
    assertThat(hits).isEmpty();
    assertThat(lines).contains("  -> Found big.bin in " + mirror);
    assertThat(PackageFolders.entries(archive)).containsEntry("data/big.bin", "upstream");

    // The copy in the source cache serves the next build, offline and without the search path.
    Files.delete(mirror.resolve("big.bin"));
    Path again = builder(dir).offline(true).build();
    assertThat(PackageFolders.entries(again)).containsEntry("data/big.bin", "upstream");
    assertThat(hits).isEmpty();
  }

  @Test
  void aFileOnTheSearchPathWithAnotherChecksumIsNotUsed() throws IOException {
    served.put("/files/f.txt", "good".getBytes(StandardCharsets.UTF_8));
    Path mirror = Files.createDirectories(tmp.resolve("fixtures"));
    Files.writeString(mirror.resolve("f.txt"), "stale");
    Path dir = folder(base + "/files/f.txt", PackageFolders.sha256("good"), Map.of());
    Path archive = builder(dir).sources(SourceSearchPath.parse(mirror.toString())).build();
    assertThat(hits.get("/files/f.txt")).hasValue(1);
    assertThat(PackageFolders.entries(archive)).containsEntry("data/f.txt", "good");
  }

  @Test
  void aSourceNeitherOnTheSearchPathNorDownloadableNamesTheUrlAndThePathTried()
      throws IOException {
    Path mirror = Files.createDirectories(tmp.resolve("fixtures"));
    Path dir = folder(base + "/files/gone.tflite", "a".repeat(64), Map.of());
    assertThatThrownBy(() -> builder(dir).sources(SourceSearchPath.parse(mirror.toString()))
            .build())
        .isInstanceOf(GuildException.class)
        .hasMessageNotContaining("\n")
        .hasMessageContaining("source " + base + "/files/gone.tflite cannot be downloaded")
        .hasMessageContaining("gone.tflite is not on the source search path " + mirror);
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  @Test
  void sourcesOptionsComeBeforeTheEnvironmentAndMustBeFolders() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    assertThat(SourceSearchPath.parse(":" + b + "::" + tmp.resolve("missing")).withFirst(List.of(a))
        .dirs()).containsExactly(a, b);
    assertThatThrownBy(() -> SourceSearchPath.empty().withFirst(List.of(tmp.resolve("missing"))))
        .isInstanceOf(GuildException.class)
        .hasMessage("source search path: " + tmp.resolve("missing") + " is not a folder; give an"
            + " existing folder to --sources");
  }

  @Test
  void nameColonColonUrlRenamesTheFileAndFileUrlsWork() throws IOException {
    served.put("/files/get", "payload".getBytes(StandardCharsets.UTF_8));
    Path local = Files.writeString(tmp.resolve("elsewhere.txt"), "local");
    Path dir = folder("renamed.bin::" + base + "/files/get " + local.toUri(),
        PackageFolders.sha256("payload") + " " + PackageFolders.sha256("local"), Map.of());
    Path archive = builder(dir).build();
    assertThat(PackageFolders.entries(archive))
        .containsEntry("data/renamed.bin", "payload")
        .containsEntry("data/elsewhere.txt", "local");
  }

  @Test
  void tarGzTarZstAndZipSourcesAreExtractedIntoSrcdir() throws IOException {
    Path dir = tmp.resolve("pkg");
    Files.createDirectories(dir);
    writeTar(dir.resolve("a.tar.gz"), "gz", Map.of("top-gz/x.txt", "x"));
    writeTar(dir.resolve("b.tar.zst"), "zst", Map.of("top-zst/y.txt", "y"));
    writeZip(dir.resolve("c.zip"), Map.of("top-zip/z.txt", "z"));
    folder("a.tar.gz b.tar.zst c.zip", "SKIP SKIP SKIP", Map.of("extra.txt", "e"));
    Path archive = builder(dir).build();
    assertThat(PackageFolders.entries(archive))
        .containsEntry("data/top-gz/x.txt", "x")
        .containsEntry("data/top-zst/y.txt", "y")
        .containsEntry("data/top-zip/z.txt", "z")
        .containsEntry("data/extra.txt", "e")
        .doesNotContainKeys("data/a.tar.gz", "data/GuildPkg");
  }

  @Test
  void archiveEntriesEscapingSrcdirAreRefused() throws IOException {
    Path dir = tmp.resolve("pkg");
    Files.createDirectories(dir);
    writeTar(dir.resolve("evil.tar.gz"), "gz", Map.of("../../evil.txt", "boom"));
    folder("evil.tar.gz", "SKIP", Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("entry '../../evil.txt' would be extracted outside $srcdir");
    assertThat(PackageFolders.listing(home())).noneMatch(p -> p.endsWith("evil.txt"));
    assertThat(tmp.resolve("evil.txt")).doesNotExist();
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  @Test
  void tarLinksPointingOutOfSrcdirAreRefused() throws IOException {
    Path dir = tmp.resolve("pkg");
    Files.createDirectories(dir);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      TarArchiveEntry link = new TarArchiveEntry("top/passwd", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("../../../etc/passwd");
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
    }
    Files.write(dir.resolve("links.tgz"), bytes.toByteArray());
    folder("links.tgz", "SKIP", Map.of());
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("link top/passwd -> ../../../etc/passwd points outside $srcdir");
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  @Test
  void genChecksumsComputesOneSumPerSourceInOrder() throws IOException {
    served.put("/files/r.txt", "remote".getBytes(StandardCharsets.UTF_8));
    Path dir = folder("l.txt " + base + "/files/r.txt", "SKIP SKIP", Map.of("l.txt", "local"));
    List<String> sums = builder(dir).checksums();
    assertThat(sums).containsExactly(PackageFolders.sha256("local"), PackageFolders.sha256("remote"));
    assertThat(PackageBuilder.checksumsBlock(sums)).isEqualTo(
        "sha256sums = \\\n    " + sums.get(0) + " \\\n    " + sums.get(1));
    assertThat(PackageFolders.listing(out())).isEmpty();
  }

  private static void writeTar(Path file, String compression, Map<String, String> files)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream c = compression.equals("gz")
            ? new GzipCompressorOutputStream(bytes) : new ZstdCompressorOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(c)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    }
    Files.write(file, bytes.toByteArray());
  }

  private static void writeZip(Path file, Map<String, String> files) throws IOException {
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        zip.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
      }
    }
  }
}
