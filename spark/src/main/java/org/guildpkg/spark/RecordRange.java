package org.guildpkg.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;

/**
 * A run of whole records in one plain TFRecord file, bytes {@code [start, end)}: one Spark
 * partition of a split. Plain TFRecord files have no sync markers, so the driver finds record
 * boundaries by walking the 12-byte record headers ({@link #split}); compressed files are read
 * whole ({@code end == -1}).
 *
 * @param file the file, relative to the dataset package's folder
 * @param start the offset of the first record
 * @param end the offset just past the last record, or -1 for the whole (compressed) file
 */
record RecordRange(String file, long start, long end) implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int HEADER = 12;
  static final int FOOTER = 4;

  /**
   * Cuts a plain TFRecord file into at most {@code parts} ranges of about equal size, each
   * starting and ending on a record boundary; reads only the record headers.
   *
   * @throws GuildException when a header points past the end of the file
   */
  static List<RecordRange> split(Path folder, String file, int parts) {
    Path path = folder.resolve(file);
    List<RecordRange> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      long target = Math.max(1, (size + parts - 1) / parts);
      ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      long pos = 0;
      long rangeStart = 0;
      while (pos < size) {
        head.clear();
        while (head.hasRemaining()) {
          if (ch.read(head, pos + head.position()) < 0) {
            throw new GuildException(path + ": truncated record header at byte " + pos);
          }
        }
        long len = head.getLong(0);
        long next = pos + HEADER + len + FOOTER;
        if (len < 0 || next > size) {
          throw new GuildException(path + ": the record at byte " + pos + " runs past the end of the file");
        }
        pos = next;
        if (pos - rangeStart >= target && pos < size) {
          out.add(new RecordRange(file, rangeStart, pos));
          rangeStart = pos;
        }
      }
      if (pos > rangeStart) {
        out.add(new RecordRange(file, rangeStart, pos));
      }
    } catch (IOException e) {
      throw new GuildException("cannot read " + path + ": " + GuildException.reason(e), e);
    }
    return out;
  }

  /** The whole of a (compressed) file as one range. */
  static RecordRange whole(String file) {
    return new RecordRange(file, 0, -1);
  }
}
