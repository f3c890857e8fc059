package org.guildpkg.tf.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.proto.Example;

class TFRecordReaderWriterTest {
  @TempDir Path dir;

  static List<byte[]> randomRecords(int n, int maxLen, long seed) {
    Random r = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[i == 0 ? 0 : r.nextInt(maxLen)];
      r.nextBytes(b);
      out.add(b);
    }
    return out;
  }

  static void write(Path file, TFRecordCompression c, List<byte[]> records) {
    try (TFRecordWriter w = TFRecordWriter.create(file, c)) {
      records.forEach(w::write);
    }
  }

  @ParameterizedTest
  @EnumSource(TFRecordCompression.class)
  void recordsWrittenAreReadBackEqualAndCompressionIsDetected(TFRecordCompression c) {
    Path file = dir.resolve("r.tfrecord");
    List<byte[]> records = randomRecords(2000, 3000, 1);
    write(file, c, records);
    assertThat(TFRecordReader.detect(file)).isEqualTo(c);
    assertThat(TFRecordReader.readAll(file)).containsExactlyElementsOf(records);
    assertThat(TFRecordReader.count(file)).isEqualTo(2000);
  }

  @ParameterizedTest
  @EnumSource(TFRecordCompression.class)
  void recordsLargerThanTheReadBufferAreReadWhole(TFRecordCompression c) {
    Path file = dir.resolve("big.tfrecord");
    List<byte[]> records = List.of(new byte[3 << 20], new byte[5], new byte[(7 << 20) + 3]);
    new Random(2).nextBytes(records.get(0));
    new Random(3).nextBytes(records.get(2));
    write(file, c, records);
    assertThat(TFRecordReader.readAll(file)).containsExactlyElementsOf(records);
  }

  @ParameterizedTest
  @EnumSource(TFRecordCompression.class)
  void flushedRecordsAreReadableWhileTheWriterStaysOpen(TFRecordCompression c) throws IOException {
    Path file = dir.resolve("events.tfrecord");
    try (TFRecordWriter w = TFRecordWriter.create(file, c)) {
      w.write(new byte[] {1, 2, 3});
      w.flush();
      byte[] sofar = Files.readAllBytes(file);
      Path copy = dir.resolve("copy");
      Files.write(copy, sofar);
      try (TFRecordReader r = TFRecordReader.open(copy, c)) {
        assertThat(r.next()).isTrue();
        assertThat(r.recordBytes()).containsExactly(1, 2, 3);
      }
      assertThat(w.records()).isEqualTo(1);
    }
  }

  @Test
  void anEmptyFileHasNoRecords() throws IOException {
    Path file = Files.createFile(dir.resolve("empty.tfrecord"));
    assertThat(TFRecordReader.count(file)).isZero();
  }

  @Test
  void aFlippedDataByteIsACorruptRecordNamingFileAndOffset() throws IOException {
    Path file = dir.resolve("r.tfrecord");
    write(file, TFRecordCompression.NONE, List.of(new byte[10], new byte[20], new byte[30]));
    byte[] b = Files.readAllBytes(file);
    long second = 12 + 10 + 4;
    b[(int) second + 12 + 5] ^= 1;
    Files.write(file, b);
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("byte offset " + second)
        .hasMessageContaining("data CRC mismatch");
  }

  @Test
  void aFlippedLengthByteIsACorruptRecord() throws IOException {
    Path file = dir.resolve("r.tfrecord");
    write(file, TFRecordCompression.NONE, List.of(new byte[10], new byte[20]));
    byte[] b = Files.readAllBytes(file);
    b[26] ^= 4;
    Files.write(file, b);
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .hasMessageContaining("byte offset 26")
        .hasMessageContaining("length CRC mismatch");
  }

  @Test
  void aTruncatedFileIsAnErrorNotAHang() throws IOException {
    Path file = dir.resolve("r.tfrecord");
    write(file, TFRecordCompression.NONE, List.of(new byte[100], new byte[100]));
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length - 7));
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("truncated record at byte offset 116");
    Files.write(file, java.util.Arrays.copyOf(b, 116 + 5));
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .hasMessageContaining("truncated record header at byte offset 116");
  }

  /** A header claiming 2^60 bytes with a valid length CRC, so only the bound can stop it. */
  static byte[] hugeHeader() {
    byte[] h = new byte[12];
    TFRecords.putLongLE(h, 0, 1L << 60);
    TFRecords.putIntLE(h, 8, TFRecords.maskedCrc(new java.util.zip.CRC32C(), h, 0, 8));
    byte[] out = new byte[12 + 1000];
    System.arraycopy(h, 0, out, 0, 12);
    return out;
  }

  @Test
  void aLengthOfTwoToTheSixtyIsAnErrorInAPlainFile() throws IOException {
    Path file = dir.resolve("huge.tfrecord");
    Files.write(file, hugeHeader());
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("byte offset 0")
        .hasMessageContaining("claims 1152921504606846976 data bytes");
  }

  @Test
  void aLengthOfTwoToTheSixtyIsAnErrorInAGzipFile() throws IOException {
    Path file = dir.resolve("huge.tfrecord.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(hugeHeader());
    }
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("uncompressed byte offset 0");
  }

  @Test
  void aLargeButBoundedLengthInAGzipFileFailsAsTruncatedWithoutReadingMemoryOfThatSize()
      throws IOException {
    Path file = dir.resolve("big-claim.tfrecord.gz");
    byte[] h = new byte[12 + 1000];
    TFRecords.putLongLE(h, 0, 200L << 20); // under the record limit
    TFRecords.putIntLE(h, 8, TFRecords.maskedCrc(new java.util.zip.CRC32C(), h, 0, 8));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(h);
    }
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .hasMessageContaining("truncated record at uncompressed byte offset 0");
  }

  @Test
  void aCorruptGzipStreamIsAnErrorNamingTheFile() throws IOException {
    Path file = dir.resolve("r.tfrecord.gz");
    write(file, TFRecordCompression.GZIP, randomRecords(500, 500, 4));
    byte[] b = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
    assertThatThrownBy(() -> TFRecordReader.count(file))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("uncompressed byte offset");
  }

  @Test
  void checksumsCanBeSkippedOnRequest() throws IOException {
    Path file = dir.resolve("r.tfrecord");
    write(file, TFRecordCompression.NONE, List.of(new byte[10]));
    byte[] b = Files.readAllBytes(file);
    b[14] ^= 1;
    Files.write(file, b);
    try (TFRecordReader r = TFRecordReader.open(file, TFRecordCompression.NONE, false)) {
      assertThat(r.next()).isTrue();
      assertThat(r.recordLength()).isEqualTo(10);
      assertThat(r.recordOffset()).isZero();
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void examplesRoundTripThroughTheProtobufClassesOfTensorFlowJava() {
    Example e =
        Examples.builder()
            .bytes("image", new byte[] {1, 2, (byte) 255})
            .int64("label", 7)
            .float32("weights", 0.5f, 1.5f)
            .strings("name", "Ankle boot")
            .build();
    Example back = Examples.parse(e.toByteArray());
    assertThat(Examples.bytes(back, "image").get(0)).containsExactly(1, 2, 255);
    assertThat(Examples.int64s(back, "label")).containsExactly(7L);
    assertThat(Examples.floats(back, "weights")).containsExactly(0.5f, 1.5f);
    assertThat(new String(Examples.bytes(back, "name").get(0), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("Ankle boot");
    assertThatThrownBy(() -> Examples.int64s(back, "image"))
        .hasMessage("feature 'image' is a bytes_list, not a int64_list");
    assertThatThrownBy(() -> Examples.int64s(back, "nope"))
        .hasMessageContaining("Example has no feature 'nope'; it has [image, label, name, weights]");
  }
}
