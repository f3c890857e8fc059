package org.guildpkg.tf.imports;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One table of a FlatBuffers buffer, read in place: the few accessors the TensorFlow Lite schema
 * needs (scalars, strings, vectors of scalars and of tables). Fields are numbered as in the schema
 * (0 for the first), a union taking two numbers (its type, then its value).
 *
 * <p>Every offset is checked against the buffer, so a damaged file is a {@link
 * IndexOutOfBoundsException} (turned into a one-line error by {@link TfliteModel}), never a read
 * outside it.
 */
final class FlatTable {
  private final ByteBuffer buf;
  private final int pos;
  private final int vtable;
  private final int vtableSize;

  private FlatTable(ByteBuffer buf, int pos) {
    this.buf = buf;
    this.pos = checkPos(buf, pos, 4);
    this.vtable = checkPos(buf, pos - buf.getInt(pos), 4);
    this.vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
  }

  /** The root table of a FlatBuffers buffer (its first four bytes point at it). */
  static FlatTable root(ByteBuffer data) {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return new FlatTable(b, b.getInt(0));
  }

  private static int checkPos(ByteBuffer b, int p, int size) {
    if (p < 0 || (long) p + size > b.limit()) {
      throw new IndexOutOfBoundsException("offset " + p + " outside the " + b.limit() + "-byte buffer");
    }
    return p;
  }

  /** The absolute position of field {@code i}'s value, or 0 when the field is absent. */
  private int field(int i) {
    int slot = 4 + 2 * i;
    if (slot + 2 > vtableSize) {
      return 0;
    }
    int off = Short.toUnsignedInt(buf.getShort(vtable + slot));
    return off == 0 ? 0 : pos + off;
  }

  boolean has(int i) {
    return field(i) != 0;
  }

  int getInt(int i, int dflt) {
    int p = field(i);
    return p == 0 ? dflt : buf.getInt(checkPos(buf, p, 4));
  }

  long getUint(int i, long dflt) {
    int p = field(i);
    return p == 0 ? dflt : Integer.toUnsignedLong(buf.getInt(checkPos(buf, p, 4)));
  }

  int getByte(int i, int dflt) {
    int p = field(i);
    return p == 0 ? dflt : buf.get(checkPos(buf, p, 1));
  }

  boolean getBool(int i, boolean dflt) {
    int p = field(i);
    return p == 0 ? dflt : buf.get(checkPos(buf, p, 1)) != 0;
  }

  float getFloat(int i, float dflt) {
    int p = field(i);
    return p == 0 ? dflt : buf.getFloat(checkPos(buf, p, 4));
  }

  /** Follows the offset stored in field {@code i} (a string, vector or table); 0 when absent. */
  private int indirect(int i) {
    int p = field(i);
    if (p == 0) {
      return 0;
    }
    return checkPos(buf, p + buf.getInt(checkPos(buf, p, 4)), 4);
  }

  String getString(int i) {
    int p = indirect(i);
    if (p == 0) {
      return "";
    }
    int n = buf.getInt(p);
    checkPos(buf, p + 4, n);
    byte[] b = new byte[n];
    buf.get(p + 4, b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The table in field {@code i}, or null when absent. */
  FlatTable getTable(int i) {
    int p = indirect(i);
    return p == 0 ? null : new FlatTable(buf, p);
  }

  /** The element count of the vector in field {@code i} (0 when absent). */
  int vectorLength(int i) {
    int p = indirect(i);
    return p == 0 ? 0 : buf.getInt(p);
  }

  /** Element {@code k} of the vector of tables in field {@code i}. */
  FlatTable getTable(int i, int k) {
    int p = indirect(i) + 4 + 4 * k;
    checkPos(buf, p, 4);
    return new FlatTable(buf, p + buf.getInt(p));
  }

  int[] getInts(int i) {
    int p = indirect(i);
    if (p == 0) {
      return new int[0];
    }
    int n = buf.getInt(p);
    checkPos(buf, p + 4, Math.multiplyExact(n, 4));
    int[] out = new int[n];
    for (int k = 0; k < n; k++) {
      out[k] = buf.getInt(p + 4 + 4 * k);
    }
    return out;
  }

  long[] getLongs(int i) {
    int p = indirect(i);
    if (p == 0) {
      return new long[0];
    }
    int n = buf.getInt(p);
    checkPos(buf, p + 4, Math.multiplyExact(n, 8));
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      out[k] = buf.getLong(p + 4 + 8 * k);
    }
    return out;
  }

  float[] getFloats(int i) {
    int p = indirect(i);
    if (p == 0) {
      return new float[0];
    }
    int n = buf.getInt(p);
    checkPos(buf, p + 4, Math.multiplyExact(n, 4));
    float[] out = new float[n];
    for (int k = 0; k < n; k++) {
      out[k] = buf.getFloat(p + 4 + 4 * k);
    }
    return out;
  }

  /** The bytes of the {@code [ubyte]} vector in field {@code i}, as a little-endian view. */
  ByteBuffer getBytes(int i) {
    int p = indirect(i);
    if (p == 0) {
      return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }
    int n = buf.getInt(p);
    checkPos(buf, p + 4, n);
    return buf.slice(p + 4, n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
