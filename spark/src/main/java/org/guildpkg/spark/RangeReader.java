package org.guildpkg.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.TFRecordReader;

/**
 * Reads the records of one {@link RecordRange}, checking both CRCs of each plain record (as
 * TensorFlow does); a whole compressed file goes through tf-runtime's {@link TFRecordReader}.
 * Not thread-safe; close it.
 */
final class RangeReader implements AutoCloseable {
  private static final int MASK_DELTA = 0xa282ead8;

  private final Path path;
  private final long end;
  private final FileChannel channel; // plain ranges
  private final TFRecordReader whole; // compressed files
  private final ByteBuffer head = ByteBuffer.allocate(RecordRange.HEADER).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer foot = ByteBuffer.allocate(RecordRange.FOOTER).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private ByteBuffer record = ByteBuffer.allocate(1 << 16);
  private long pos;

  RangeReader(Path folder, RecordRange range) {
    this.path = folder.resolve(range.file());
    this.end = range.end();
    this.pos = range.start();
    try {
      if (range.end() < 0) {
        this.channel = null;
        this.whole = TFRecordReader.open(path, TFRecordReader.detect(path));
      } else {
        this.whole = null;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
      }
    } catch (IOException e) {
      throw new GuildException("cannot open " + path + ": " + GuildException.reason(e), e);
    }
  }

  /**
   * The next record (a view valid until the next call), or null at the range's end.
   *
   * @throws GuildException naming the file and offset of a corrupt or truncated record
   */
  ByteBuffer next() {
    if (whole != null) {
      return whole.next() ? whole.record() : null;
    }
    if (pos >= end) {
      return null;
    }
    try {
      readFully(head.clear(), pos);
      long len = head.getLong(0);
      crc.reset();
      crc.update(head.array(), 0, 8);
      if (mask((int) crc.getValue()) != head.getInt(8)) {
        throw new GuildException(path + ": corrupt record length at byte " + pos);
      }
      if (len < 0 || pos + RecordRange.HEADER + len + RecordRange.FOOTER > end || len > Integer.MAX_VALUE - 64) {
        throw new GuildException(path + ": the record at byte " + pos + " runs past its range (length " + len + ")");
      }
      if (record.capacity() < len) {
        record = ByteBuffer.allocate((int) len);
      }
      record.clear().limit((int) len);
      readFully(record, pos + RecordRange.HEADER);
      readFully(foot.clear(), pos + RecordRange.HEADER + len);
      crc.reset();
      crc.update(record.array(), 0, (int) len);
      if (mask((int) crc.getValue()) != foot.getInt(0)) {
        throw new GuildException(path + ": corrupt record data at byte " + pos);
      }
      pos += RecordRange.HEADER + len + RecordRange.FOOTER;
      return record.flip();
    } catch (IOException e) {
      throw new GuildException("cannot read " + path + " at byte " + pos + ": " + GuildException.reason(e), e);
    }
  }

  private void readFully(ByteBuffer b, long at) throws IOException {
    long p = at;
    while (b.hasRemaining()) {
      int n = channel.read(b, p);
      if (n < 0) {
        throw new GuildException(path + ": truncated record at byte " + pos);
      }
      p += n;
    }
  }

  private static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  @Override
  public void close() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // read-only: nothing to lose
    }
    if (whole != null) {
      whole.close();
    }
  }
}
