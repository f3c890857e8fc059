package org.guildpkg.tf.data;

import java.util.zip.CRC32C;

/** The framing shared by {@link TFRecordWriter} and {@link TFRecordReader}. */
final class TFRecords {
  /** Bytes before a record's data: length (uint64 LE) and its masked CRC32C. */
  static final int HEADER = 12;
  /** Bytes after a record's data: its masked CRC32C. */
  static final int FOOTER = 4;

  private static final int MASK_DELTA = 0xa282ead8;

  private TFRecords() {}

  /** TensorFlow's masked CRC32C, so that CRCs of data holding CRCs stay well distributed. */
  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** The masked CRC32C of {@code len} bytes of {@code b} from {@code off}. */
  static int maskedCrc(CRC32C crc, byte[] b, int off, int len) {
    crc.reset();
    crc.update(b, off, len);
    return mask((int) crc.getValue());
  }

  static long getLongLE(byte[] b, int off) {
    return (b[off] & 0xffL)
        | (b[off + 1] & 0xffL) << 8
        | (b[off + 2] & 0xffL) << 16
        | (b[off + 3] & 0xffL) << 24
        | (b[off + 4] & 0xffL) << 32
        | (b[off + 5] & 0xffL) << 40
        | (b[off + 6] & 0xffL) << 48
        | (b[off + 7] & 0xffL) << 56;
  }

  static int getIntLE(byte[] b, int off) {
    return (b[off] & 0xff)
        | (b[off + 1] & 0xff) << 8
        | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }

  static void putLongLE(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putIntLE(byte[] b, int off, int v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }
}
