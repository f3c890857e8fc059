package org.guildpkg.tf.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A reply body as it is written, in blocks of 64 KiB: a large reply (millions of predictions)
 * takes its size in heap once, where a {@code ByteArrayOutputStream} would take up to three times
 * it while it doubles and copies, in arrays large enough to fragment a small heap.
 */
final class ReplyBody extends OutputStream {
  private static final int BLOCK = 64 * 1024;
  private final List<byte[]> blocks = new ArrayList<>();
  private byte[] current = new byte[256];
  private int used;
  private long size;

  @Override
  public void write(int b) {
    if (used == current.length) {
      next();
    }
    current[used++] = (byte) b;
    size++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (used == current.length) {
        next();
      }
      int n = Math.min(len, current.length - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
      size += n;
    }
  }

  private void next() {
    blocks.add(current);
    current = new byte[BLOCK];
    used = 0;
  }

  /** The bytes written. */
  long size() {
    return size;
  }

  /** Writes the body to {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    for (byte[] b : blocks) {
      out.write(b);
    }
    out.write(current, 0, used);
  }

  /** The body as one array (for small bodies and tests). */
  byte[] toByteArray() {
    byte[] all = new byte[Math.toIntExact(size)];
    int at = 0;
    for (byte[] b : blocks) {
      System.arraycopy(b, 0, all, at, b.length);
      at += b.length;
    }
    System.arraycopy(current, 0, all, at, used);
    return all;
  }
}
