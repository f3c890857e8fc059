package org.guildpkg.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tar metadata bombs (huge GNU long names and PAX headers, long runs of headers) are refused
 * before Commons Compress buffers them, with one line; honest tars pass unchanged.
 */
class TarHeaderGuardTest {
  @TempDir Path tmp;

  private static byte[] header(String name, byte type, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setSize(size);
    byte[] h = new byte[512];
    e.writeEntryHeader(h);
    return h;
  }

  private static void pad(OutputStream out, long size) throws IOException {
    out.write(new byte[(int) ((512 - size % 512) % 512)]);
  }

  /** A zstd archive: one metadata header claiming {@code claimed} bytes, then {@code zeros} zeros. */
  private Path bomb(byte type, long claimed, long zeros) throws IOException {
    Path out = tmp.resolve("bomb-1.pkg.tar.zst");
    try (OutputStream z = new ZstdOutputStream(Files.newOutputStream(out), 3)) {
      z.write(header("././@LongLink", type, claimed));
      byte[] block = new byte[1 << 20];
      for (long left = zeros; left > 0; left -= block.length) {
        z.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    return out;
  }

  @Test
  void aHugePaxHeaderIsRefusedBeforeItIsRead() throws IOException {
    Path a = bomb(TarConstants.LF_PAX_EXTENDED_HEADER_LC, 1L << 30, 4 << 20);
    assertThatThrownBy(() -> ArchiveReader.open(a)).isInstanceOf(GuildException.class)
        .hasMessageContaining("bomb-1.pkg.tar.zst: not a readable package archive: tar header at"
            + " offset 0 announces a PAX header of 1073741824 bytes");
  }

  @Test
  void aLongRunOfGlobalPaxHeadersIsRefused() throws IOException {
    Path out = tmp.resolve("globals-1.pkg.tar.zst");
    byte[] rec = "15 comment=abc\n".getBytes(StandardCharsets.UTF_8);
    try (OutputStream z = new ZstdOutputStream(Files.newOutputStream(out), 3)) {
      for (int i = 0; i < 20_000; i++) {
        z.write(header("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, rec.length));
        z.write(rec);
        pad(z, rec.length);
      }
    }
    assertThatThrownBy(() -> ArchiveReader.open(out)).isInstanceOf(GuildException.class)
        .hasMessageContaining("metadata header in a row (at most 16)");
  }

  @Test
  void aPaxSizeRecordMovesTheNextHeaderAsCommonsCompressReadsIt() throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] rec = "10 size=5\n".getBytes(StandardCharsets.UTF_8);
    tar.write(header("PaxHeaders/a.txt", TarConstants.LF_PAX_EXTENDED_HEADER_LC, rec.length));
    tar.write(rec);
    pad(tar, rec.length);
    tar.write(header("a.txt", TarConstants.LF_NORMAL, 0)); // the PAX size (5) overrides this 0
    tar.write("hello".getBytes(StandardCharsets.UTF_8));
    pad(tar, 5);
    tar.write(header("b.txt", TarConstants.LF_NORMAL, 2));
    tar.write("hi".getBytes(StandardCharsets.UTF_8));
    pad(tar, 2);
    tar.write(new byte[1024]);
    try (TarArchiveInputStream in = new TarArchiveInputStream(
        new TarHeaderGuard(new ByteArrayInputStream(tar.toByteArray())))) {
      assertThat(in.getNextEntry().getName()).isEqualTo("a.txt");
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(in.getNextEntry().getName()).isEqualTo("b.txt");
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
      assertThat(in.getNextEntry()).isNull();
    }
  }

  @Test
  void aHeaderWithABadChecksumIsOneLine() throws IOException {
    byte[] h = header("a.txt", TarConstants.LF_NORMAL, 0);
    h[0] = 'b';
    assertThatThrownBy(() -> new TarArchiveInputStream(
        new TarHeaderGuard(new ByteArrayInputStream(h))).getNextEntry())
        .hasMessage("no valid tar header at offset 0 (bad checksum)");
  }

  @Test
  void aHugeGnuLongNameIsOneLineUnderASmallHeap() throws Exception {
    // 300 MiB of zeros behind a 1 GiB long name: Commons Compress would buffer them all.
    Path a = bomb(TarConstants.LF_GNUTYPE_LONGNAME, 1L << 30, 300L << 20);
    assertThat(Files.size(a)).isLessThan(1 << 20);
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), "org.guildpkg.cli.GuildCli",
        "--home", tmp.resolve("home").toString(), "info", a.toString()))
        .redirectErrorStream(true).redirectOutput(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("guild info did not finish in 90 s");
    }
    List<String> lines = Files.readAllLines(err);
    assertThat(lines).as("one line, no stack trace").hasSize(1);
    assertThat(lines.get(0)).startsWith("guild: ").contains("bomb-1.pkg.tar.zst")
        .contains("announces a GNU long name of 1073741824 bytes");
    assertThat(p.exitValue()).isEqualTo(1);
  }
}
