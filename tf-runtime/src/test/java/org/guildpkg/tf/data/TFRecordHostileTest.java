package org.guildpkg.tf.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TFRecord files that lie: lengths that claim more than arrives, decompression bombs, garbage
 * after a compressed stream; and an honest file read through a pipe.
 */
class TFRecordHostileTest {
  @TempDir Path tmp;

  /** A record header claiming {@code len} bytes, with a valid length CRC. */
  private static byte[] header(long len) {
    byte[] h = new byte[TFRecords.HEADER];
    for (int i = 0; i < 8; i++) {
      h[i] = (byte) (len >>> (8 * i));
    }
    int crc = TFRecords.maskedCrc(new CRC32C(), h, 0, 8);
    for (int i = 0; i < 4; i++) {
      h[8 + i] = (byte) (crc >>> (8 * i));
    }
    return h;
  }

  @Test
  void aSparseFileClaimingGigabytesIsRefusedWithoutAllocatingThem() throws IOException {
    Path f = tmp.resolve("sparse.tfrecord");
    long claimed = 3L << 29; // 1.5 GiB
    Files.write(f, header(claimed));
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(TFRecords.HEADER + claimed + TFRecords.FOOTER);
    }
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> TFRecordReader.count(f)).isInstanceOf(GuildException.class)
            .hasMessage(f + ": corrupt record at byte offset 0: it claims " + claimed
                + " data bytes, more than the limit of " + TFRecordReader.DEFAULT_MAX_RECORD_BYTES
                + " (raise it with -Dguild.tfrecord.maxRecordBytes=BYTES if the record is real)"));
  }

  @Test
  void aGzipBombIsRefusedAtItsHeaderUnderASmallHeap() throws Exception {
    // 1 GiB of zeros behind a header that claims them: about 1 MB of gzip.
    Path f = tmp.resolve("bomb.tfrecord.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f), 1 << 16)) {
      out.write(header(1L << 30));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 1024; i++) {
        out.write(zeros);
      }
    }
    assertThat(Files.size(f)).isLessThan(2 << 20);
    Path log = tmp.resolve("child.log");
    Process p = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        CountChild.class.getName(), f.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("reading the bomb did not finish in 60 s");
    }
    assertThat(Files.readString(log)).as("one line naming file and offset")
        .isEqualTo(f + ": corrupt record at uncompressed byte offset 0: it claims 1073741824 data"
            + " bytes, more than the limit of 268435456 (raise it with"
            + " -Dguild.tfrecord.maxRecordBytes=BYTES if the record is real)\n");
  }

  /** The child JVM of the bomb test: counts a file's records, printing the error's one line. */
  public static final class CountChild {
    private CountChild() {}

    /** Counts the records of {@code args[0]}. */
    public static void main(String[] args) {
      try {
        System.out.println(TFRecordReader.count(Path.of(args[0])));
      } catch (GuildException e) {
        System.out.println(e.getMessage());
      }
    }
  }

  @Test
  void garbageAfterAGzipStreamIsAnError() throws IOException {
    Path f = tmp.resolve("a.tfrecord.gz");
    TFRecordReaderWriterTest.write(f, TFRecordCompression.GZIP,
        List.of("one".getBytes(StandardCharsets.UTF_8), "two".getBytes(StandardCharsets.UTF_8)));
    Files.write(f, "trailing garbage".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> TFRecordReader.count(f)).isInstanceOf(GuildException.class)
        .hasMessageStartingWith(f + ": cannot read gzip data near uncompressed byte offset");
  }

  @Test
  void garbageAfterAZlibStreamIsAnError() throws IOException {
    Path f = tmp.resolve("a.tfrecord.zlib");
    TFRecordReaderWriterTest.write(f, TFRecordCompression.ZLIB,
        List.of("one".getBytes(StandardCharsets.UTF_8)));
    Files.write(f, "junk".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> TFRecordReader.count(f)).isInstanceOf(GuildException.class)
        .hasMessageContaining("garbage after the end of the ZLIB stream");
  }

  @Test
  void aValidFileReadThroughAPipeIsRead() throws Exception {
    Path f = tmp.resolve("a.tfrecord");
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      records.add(("record " + i).getBytes(StandardCharsets.UTF_8));
    }
    TFRecordReaderWriterTest.write(f, TFRecordCompression.NONE, records);
    Path fifo = tmp.resolve("pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Process writer = new ProcessBuilder("bash", "-c", "cat \"$1\" > \"$2\"", "cat", f.toString(),
        fifo.toString()).start();
    try {
      long n = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> TFRecordReader.count(fifo));
      assertThat(n).isEqualTo(1000);
    } finally {
      writer.destroyForcibly();
    }
  }
}
