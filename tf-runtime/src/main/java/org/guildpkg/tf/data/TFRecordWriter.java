package org.guildpkg.tf.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.guildpkg.GuildException;

/**
 * Writes TFRecord files, TensorFlow's record framing (uint64 LE length, masked CRC32C of the
 * length, data, masked CRC32C of the data), plain or GZIP/ZLIB compressed. TensorBoard event files
 * use the same framing.
 *
 * <pre>{@code
 * try (TFRecordWriter w = TFRecordWriter.create(path, TFRecordCompression.GZIP)) {
 *   w.write(example.toByteArray());
 * }
 * }</pre>
 *
 * <p>Not thread-safe. The file is written in place (callers that need atomicity write to a
 * temporary name and rename).
 */
public final class TFRecordWriter implements AutoCloseable {
  private final Path path;
  private final OutputStream out;
  private final CRC32C crc = new CRC32C();
  private final byte[] header = new byte[TFRecords.HEADER];
  private final byte[] footer = new byte[TFRecords.FOOTER];
  private long records;

  private TFRecordWriter(Path path, OutputStream out) {
    this.path = path;
    this.out = out;
  }

  /** Creates (or truncates) a plain TFRecord file. */
  public static TFRecordWriter create(Path path) {
    return create(path, TFRecordCompression.NONE);
  }

  /** Creates (or truncates) a TFRecord file with the given compression. */
  public static TFRecordWriter create(Path path, TFRecordCompression compression) {
    try {
      OutputStream file = Files.newOutputStream(path);
      OutputStream out =
          switch (compression) {
            case NONE -> new BufferedOutputStream(file, 1 << 16);
            case GZIP -> new BufferedOutputStream(new GZIPOutputStream(file, 1 << 16, true), 1 << 16);
            case ZLIB ->
                new BufferedOutputStream(
                    new DeflaterOutputStream(file, new Deflater(Deflater.DEFAULT_COMPRESSION), 1 << 16, true),
                    1 << 16);
          };
      return new TFRecordWriter(path, out);
    } catch (IOException e) {
      throw new GuildException("cannot create TFRecord file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Appends one record. */
  public void write(byte[] data) {
    write(data, 0, data.length);
  }

  /** Appends one record made of {@code len} bytes of {@code data} from {@code off}. */
  public void write(byte[] data, int off, int len) {
    TFRecords.putLongLE(header, 0, len);
    TFRecords.putIntLE(header, 8, TFRecords.maskedCrc(crc, header, 0, 8));
    TFRecords.putIntLE(footer, 0, TFRecords.maskedCrc(crc, data, off, len));
    try {
      out.write(header);
      out.write(data, off, len);
      out.write(footer);
    } catch (IOException e) {
      throw new GuildException("cannot write TFRecord file " + path + ": " + e.getMessage(), e);
    }
    records++;
  }

  /** Appends the remaining bytes of {@code data} as one record (the buffer's position moves). */
  public void write(ByteBuffer data) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    write(b);
  }

  /** How many records this writer wrote. */
  public long records() {
    return records;
  }

  /**
   * Pushes buffered records to the file (for a compressed file, as far as the compressor allows),
   * so that readers such as TensorBoard see them.
   */
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new GuildException("cannot write TFRecord file " + path + ": " + e.getMessage(), e);
    }
  }

  /** Finishes the file (and its compressed stream) and closes it. */
  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new GuildException("cannot write TFRecord file " + path + ": " + e.getMessage(),
          new UncheckedIOException(e));
    }
  }
}
