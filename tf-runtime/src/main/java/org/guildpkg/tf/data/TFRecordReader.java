package org.guildpkg.tf.data;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.guildpkg.GuildException;

/**
 * Reads TFRecord files (plain, GZIP or ZLIB), checking both CRCs of every record by default.
 *
 * <pre>{@code
 * try (TFRecordReader r = TFRecordReader.open(path)) {
 *   while (r.next()) {
 *     Example e = Examples.parse(r.record());
 *   }
 * }
 * }</pre>
 *
 * <p>A corrupt or truncated record is a {@link GuildException} naming the file and the record's
 * byte offset (in the uncompressed stream for compressed files). Garbage never makes it allocate
 * without bound: a record's length is checked against what is left of a plain file and against
 * the record limit ({@link #DEFAULT_MAX_RECORD_BYTES}, or the system property {@value
 * #MAX_RECORD_PROPERTY}, or {@link #open(Path, TFRecordCompression, boolean, int)}), and the
 * buffer only grows as bytes actually arrive. Bytes after the end of a GZIP or ZLIB stream are an
 * error. Pipes and other files that are not regular are read as a stream, once. Reading reuses one large buffer; {@link #record()} is a view of it
 * that stays valid until the next call to {@link #next()}. Not thread-safe.
 */
public final class TFRecordReader implements AutoCloseable {
  /** The largest record accepted by default (256 MiB). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 256 << 20;
  /** The system property that sets another record limit, in bytes. */
  public static final String MAX_RECORD_PROPERTY = "guild.tfrecord.maxRecordBytes";

  private static final int MAX_ARRAY = Integer.MAX_VALUE - 64;
  private static final int INITIAL_BUFFER = 1 << 20;

  private final Path path;
  private final TFRecordCompression compression;
  private final boolean verify;
  private final FileChannel channel;
  private final InputStream stream;
  private final long fileSize;
  private final boolean sizeKnown;
  private final int maxRecord;
  private final CRC32C crc = new CRC32C();

  private byte[] buf = new byte[INITIAL_BUFFER];
  private ByteBuffer wrapped = ByteBuffer.wrap(buf);
  private int pos;
  private int lim;
  private long base;
  private int recStart;
  private int recLen = -1;
  private long recOffset = -1;
  private long records;

  private TFRecordReader(Path path, TFRecordCompression compression, boolean verify,
      FileChannel channel, BufferedInputStream raw, int maxRecord) throws IOException {
    this.path = path;
    this.compression = compression;
    this.verify = verify;
    this.channel = channel;
    this.maxRecord = maxRecord;
    this.sizeKnown = raw == null && compression == TFRecordCompression.NONE;
    this.fileSize = sizeKnown ? channel.size() : -1;
    BufferedInputStream in = raw != null ? raw
        : new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
    this.stream =
        switch (compression) {
          case NONE -> raw;
          case GZIP -> new GzipStream(in);
          case ZLIB -> new ZlibStream(in);
        };
  }

  /**
   * A GZIP stream (members may be concatenated) that refuses bytes after its end, which the
   * JDK's own stream skips in silence.
   */
  private static final class GzipStream extends GZIPInputStream {
    private final InputStream raw;
    private boolean checked;

    GzipStream(InputStream raw) throws IOException {
      super(raw, 1 << 16);
      this.raw = raw;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0 && !checked) {
        checked = true;
        // At the end, the inflater still holds the last member's 8-byte trailer and whatever
        // followed it; the JDK tried to read that as another member and gave up.
        if (inf.getRemaining() > 8 || raw.read() >= 0) {
          throw new IOException("garbage after the end of the GZIP stream");
        }
      }
      return n;
    }
  }

  /** A ZLIB stream that refuses bytes after its end. */
  private static final class ZlibStream extends InflaterInputStream {
    private final InputStream raw;

    ZlibStream(InputStream raw) {
      super(raw, new Inflater(), 1 << 16);
      this.raw = raw;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0 && inf.finished() && (inf.getRemaining() > 0 || raw.read() >= 0)) {
        throw new IOException("garbage after the end of the ZLIB stream");
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        inf.end();
      }
    }
  }

  /**
   * Opens a file, telling plain, GZIP and ZLIB files apart by their first bytes (read once, so
   * a pipe works too).
   */
  public static TFRecordReader open(Path path) {
    return open(path, null, true, maxRecordBytes());
  }

  /** Opens a file with the given compression, checking CRCs. */
  public static TFRecordReader open(Path path, TFRecordCompression compression) {
    return open(path, compression, true);
  }

  /**
   * Opens a file with the given compression.
   *
   * @param verifyChecksums false skips both CRC checks (lengths are still bounded)
   */
  public static TFRecordReader open(
      Path path, TFRecordCompression compression, boolean verifyChecksums) {
    return open(path, compression, verifyChecksums, maxRecordBytes());
  }

  /**
   * Opens a file with the given compression (null: told from its first bytes) and record limit.
   *
   * @param maxRecordBytes the largest record accepted; a longer one is an error naming the offset
   */
  public static TFRecordReader open(Path path, TFRecordCompression compression,
      boolean verifyChecksums, int maxRecordBytes) {
    if (maxRecordBytes <= 0 || maxRecordBytes > MAX_ARRAY - TFRecords.HEADER - TFRecords.FOOTER) {
      throw new IllegalArgumentException("maxRecordBytes out of range: " + maxRecordBytes);
    }
    FileChannel ch = null;
    try {
      boolean regular = Files.isRegularFile(path);
      TFRecordCompression c = compression == null && regular ? detect(path) : compression;
      BufferedInputStream raw = null;
      if (regular) {
        ch = FileChannel.open(path, StandardOpenOption.READ);
      } else {
        // A pipe can be read once only, and not through a seekable channel: tell its
        // compression from the buffered first bytes.
        raw = new BufferedInputStream(new FileInputStream(path.toFile()), 1 << 16);
        if (c == null) {
          raw.mark(TFRecords.HEADER);
          byte[] head = raw.readNBytes(TFRecords.HEADER);
          raw.reset();
          c = detect(head, head.length);
        }
      }
      return new TFRecordReader(path, c, verifyChecksums, ch, raw, maxRecordBytes);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new GuildException(what(e, path), e);
    }
  }

  /** The record limit: the system property {@value #MAX_RECORD_PROPERTY}, else the default. */
  static int maxRecordBytes() {
    String v = System.getProperty(MAX_RECORD_PROPERTY);
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_RECORD_BYTES;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new GuildException("system property " + MAX_RECORD_PROPERTY + "='" + v
          + "' is not a number of bytes");
    }
  }

  /**
   * The compression of a TFRecord file judged from its first bytes: a gzip header, a valid plain
   * record header, or a zlib header; an empty file is plain.
   */
  public static TFRecordCompression detect(Path path) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(TFRecords.HEADER);
      while (head.hasRemaining() && ch.read(head) > 0) {
        // read what there is
      }
      return detect(head.array(), head.position());
    } catch (IOException e) {
      throw new GuildException(what(e, path), e);
    }
  }

  private static TFRecordCompression detect(byte[] b, int n) {
    {
      if (n >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
        return TFRecordCompression.GZIP;
      }
      if (n == TFRecords.HEADER
          && TFRecords.maskedCrc(new CRC32C(), b, 0, 8) == TFRecords.getIntLE(b, 8)) {
        return TFRecordCompression.NONE;
      }
      if (n >= 2 && (b[0] & 0x0f) == 8 && (((b[0] & 0xff) << 8) | (b[1] & 0xff)) % 31 == 0) {
        return TFRecordCompression.ZLIB;
      }
      return TFRecordCompression.NONE;
    }
  }

  /** Every record of a file, each as its own array (for small files and tests). */
  public static List<byte[]> readAll(Path path) {
    List<byte[]> out = new ArrayList<>();
    try (TFRecordReader r = open(path)) {
      while (r.next()) {
        out.add(r.recordBytes());
      }
    }
    return out;
  }

  /** Counts the records of a file, checking every CRC. */
  public static long count(Path path) {
    try (TFRecordReader r = open(path)) {
      while (r.next()) {
        // count
      }
      return r.records();
    }
  }

  /**
   * Moves to the next record, checking its CRCs.
   *
   * @return false at the clean end of the file
   * @throws GuildException naming the file and offset when the record is corrupt or truncated
   */
  public boolean next() {
    recLen = -1;
    if (!fill(TFRecords.HEADER)) {
      if (lim == pos) {
        return false;
      }
      throw new GuildException(
          path + ": truncated record header at " + where(base + pos) + " (" + (lim - pos)
              + " of 12 bytes); the file is incomplete, rebuild or download it again");
    }
    long offset = base + pos;
    long len = TFRecords.getLongLE(buf, pos);
    if (verify && TFRecords.maskedCrc(crc, buf, pos, 8) != TFRecords.getIntLE(buf, pos + 8)) {
      throw new GuildException(
          path + ": corrupt record at " + where(offset)
              + ": length CRC mismatch; the file is damaged, rebuild or download it again");
    }
    checkLength(offset, len);
    int need = TFRecords.HEADER + (int) len + TFRecords.FOOTER;
    if (!fill(need)) {
      throw new GuildException(
          path + ": truncated record at " + where(offset) + ": " + len
              + " data bytes expected, the file ends first; rebuild or download it again");
    }
    int dataStart = pos + TFRecords.HEADER;
    if (verify
        && TFRecords.maskedCrc(crc, buf, dataStart, (int) len)
            != TFRecords.getIntLE(buf, dataStart + (int) len)) {
      throw new GuildException(
          path + ": corrupt record at " + where(offset)
              + ": data CRC mismatch; the file is damaged, rebuild or download it again");
    }
    recStart = dataStart;
    recLen = (int) len;
    recOffset = offset;
    pos += need;
    records++;
    return true;
  }

  private void checkLength(long offset, long len) {
    if (sizeKnown) {
      long left = fileSize - offset - TFRecords.HEADER - TFRecords.FOOTER;
      if (len < 0 || len > left) {
        throw new GuildException(
            path + ": " + (verify ? "truncated" : "corrupt or truncated") + " record at "
                + where(offset) + ": it claims " + Long.toUnsignedString(len)
                + " data bytes but only " + Math.max(0, left)
                + " remain in the file; rebuild or download it again");
      }
      if (len > MAX_ARRAY - TFRecords.HEADER - TFRecords.FOOTER) {
        throw new GuildException(
            path + ": record at " + where(offset) + " is " + len
                + " bytes, more than one Java array holds");
      }
    }
    if (len < 0 || len > maxRecord) {
      throw new GuildException(
          path + ": corrupt record at " + where(offset) + ": it claims "
              + Long.toUnsignedString(len) + " data bytes, more than the limit of " + maxRecord
              + " (raise it with -D" + MAX_RECORD_PROPERTY + "=BYTES if the record is real)");
    }
  }

  /** Makes at least {@code n} bytes available from {@code pos}; false when the stream ends first. */
  private boolean fill(int n) {
    while (lim - pos < n) {
      if (lim == buf.length) {
        if (pos > 0) {
          compact();
        } else {
          // Grow towards n only as far as data has arrived (doubling), so a bogus length costs
          // at most twice the bytes the file or stream really holds.
          int cap = (int) Math.min(n, Math.max(INITIAL_BUFFER, 2L * buf.length));
          byte[] nb = new byte[Math.max(cap, buf.length)];
          System.arraycopy(buf, 0, nb, 0, lim);
          buf = nb;
          wrapped = ByteBuffer.wrap(buf);
        }
        continue;
      }
      if (buf.length - pos < n && pos > 0) {
        compact();
        continue;
      }
      int got = read(buf, lim, buf.length - lim);
      if (got < 0) {
        return false;
      }
      lim += got;
    }
    return true;
  }

  private void compact() {
    int have = lim - pos;
    System.arraycopy(buf, pos, buf, 0, have);
    base += pos;
    pos = 0;
    lim = have;
  }

  private int read(byte[] b, int off, int len) {
    try {
      if (stream == null) {
        wrapped.limit(off + len).position(off);
        int got = channel.read(wrapped);
        return got;
      }
      int got = stream.read(b, off, len);
      return got == 0 ? stream.read(b, off, len) : got;
    } catch (IOException e) {
      throw new GuildException(
          path + ": cannot read " + compression + " data near " + where(base + lim) + ": "
              + GuildException.reason(e) + "; the file is damaged or incomplete, rebuild or download it again",
          e);
    }
  }

  private String where(long offset) {
    return (compression == TFRecordCompression.NONE ? "byte offset " : "uncompressed byte offset ")
        + offset;
  }

  /**
   * The current record's data: a read-only view of the reader's buffer, valid until the next call
   * to {@link #next()}.
   *
   * @throws IllegalStateException before the first successful {@link #next()}
   */
  public ByteBuffer record() {
    checkRecord();
    return ByteBuffer.wrap(buf, recStart, recLen).slice().asReadOnlyBuffer();
  }

  /** A copy of the current record's data. */
  public byte[] recordBytes() {
    checkRecord();
    byte[] out = new byte[recLen];
    System.arraycopy(buf, recStart, out, 0, recLen);
    return out;
  }

  /** The current record's length in bytes. */
  public int recordLength() {
    checkRecord();
    return recLen;
  }

  /**
   * The byte offset of the current record's header (in the uncompressed stream for compressed
   * files).
   */
  public long recordOffset() {
    checkRecord();
    return recOffset;
  }

  /** How many records {@link #next()} has returned so far. */
  public long records() {
    return records;
  }

  /** The file being read. */
  public Path path() {
    return path;
  }

  /** The file's compression. */
  public TFRecordCompression compression() {
    return compression;
  }

  private void checkRecord() {
    if (recLen < 0) {
      throw new IllegalStateException("no current record: call next() first and check its result");
    }
  }

  @Override
  public void close() {
    try {
      if (stream != null) {
        stream.close();
      }
    } catch (IOException e) {
      // closing a read-only file: nothing to lose
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // read-only
      }
    }
  }

  private static String what(IOException e, Path path) {
    if (e instanceof NoSuchFileException) {
      return "TFRecord file " + path + " does not exist";
    }
    return "cannot read TFRecord file " + path + ": " + e.getMessage();
  }
}
