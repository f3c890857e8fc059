package org.guildpkg.tf.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** Reads the records of a list of files one after the other. */
final class SplitRecords implements AutoCloseable {
  private final List<Path> files;
  private final TFRecordCompression compression;
  private int index = -1;
  private TFRecordReader reader;

  SplitRecords(List<Path> files, TFRecordCompression compression) {
    this.files = files;
    this.compression = compression;
  }

  boolean next() {
    while (true) {
      if (reader != null && reader.next()) {
        return true;
      }
      if (reader != null) {
        reader.close();
        reader = null;
      }
      if (++index >= files.size()) {
        return false;
      }
      reader = TFRecordReader.open(files.get(index), compression);
    }
  }

  ByteBuffer record() {
    return reader.record();
  }

  /** The current record's file and offset, for error messages. */
  String where() {
    return reader == null ? files.toString() : reader.path() + " at byte offset " + reader.recordOffset();
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}
