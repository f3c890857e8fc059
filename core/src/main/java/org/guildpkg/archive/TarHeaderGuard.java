package org.guildpkg.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Watches the tar headers on an uncompressed tar stream as they pass to Commons Compress, and
 * refuses metadata bombs before Commons Compress buffers them: a GNU long name or link, or a PAX
 * header, larger than {@link #MAX_METADATA_ENTRY_BYTES}; more than {@link #MAX_METADATA_RUN}
 * such headers in a row (Commons Compress reads a run by recursion); more than
 * {@link #MAX_GLOBAL_PAX_BYTES} of global PAX headers in all; old GNU sparse entries; and
 * headers whose checksum is wrong.
 *
 * <p>Commons Compress (1.28) has no such limits of its own. The guard reads the 512-byte header
 * records at the offsets the headers themselves announce (a PAX {@code size} record moves the
 * next one, as it does for Commons Compress), and passes every byte through unchanged. A refusal
 * is an {@link IOException} whose one-line message names the offset.
 *
 * <pre>{@code
 * TarArchiveInputStream tar = new TarArchiveInputStream(new TarHeaderGuard(decompressed));
 * }</pre>
 */
public final class TarHeaderGuard extends FilterInputStream {
  /** Largest GNU long name or link, or PAX header, accepted (bytes). */
  public static final int MAX_METADATA_ENTRY_BYTES = 1 << 20;
  /** Most metadata headers (PAX, GNU long name or link) accepted in a row before an entry. */
  public static final int MAX_METADATA_RUN = 16;
  /** Most bytes of global PAX headers accepted in one archive. */
  public static final int MAX_GLOBAL_PAX_BYTES = 1 << 20;

  private static final int BLOCK = 512;

  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private long pos;
  private long nextHeader;
  private boolean done;
  private int run;
  private long globalBytes;
  /** The content of the current PAX header, kept to find its {@code size} record. */
  private byte[] pax;
  private int paxFill;
  private long paxEnd;
  private long paxSize = -1;

  /** Guards the tar stream {@code in}. */
  public TarHeaderGuard(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      watch(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 1 << 16)];
    long left = n;
    while (left > 0) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // not supported: every byte must pass the guard once
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void watch(byte[] b, int off, int n) throws IOException {
    int i = 0;
    while (i < n && !done) {
      long at = pos + i;
      if (at < nextHeader) {
        int step = (int) Math.min(n - i, nextHeader - at);
        if (pax != null && at < paxEnd) {
          int k = (int) Math.min(step, paxEnd - at);
          System.arraycopy(b, off + i, pax, paxFill, k);
          paxFill += k;
          if (at + k == paxEnd) {
            paxSize = sizeRecord(pax, paxFill);
            pax = null;
          }
        }
        i += step;
        continue;
      }
      int k = Math.min(n - i, BLOCK - headerFill);
      System.arraycopy(b, off + i, header, headerFill, k);
      headerFill += k;
      i += k;
      if (headerFill == BLOCK) {
        headerFill = 0;
        onHeader(pos + i - BLOCK);
      }
    }
    pos += n;
  }

  private void onHeader(long offset) throws IOException {
    boolean zero = true;
    for (byte x : header) {
      if (x != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      done = true; // the end-of-archive marker: Commons Compress stops here too
      return;
    }
    checkChecksum(offset);
    char type = (char) header[156];
    long size = size(offset);
    boolean meta = type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K';
    if (type == 'S') {
      throw new IOException("tar entry at offset " + offset
          + " is an old GNU sparse file; archives here hold no sparse files");
    }
    if (meta) {
      if (++run > MAX_METADATA_RUN) {
        throw new IOException("tar header at offset " + offset + " is the " + run
            + "th metadata header in a row (at most " + MAX_METADATA_RUN + "); refusing it");
      }
      if (size > MAX_METADATA_ENTRY_BYTES) {
        throw new IOException("tar header at offset " + offset + " announces a "
            + (type == 'L' || type == 'K' ? "GNU long name" : "PAX header") + " of " + size
            + " bytes (at most " + MAX_METADATA_ENTRY_BYTES + "); refusing it");
      }
      if (type == 'g' && (globalBytes += size) > MAX_GLOBAL_PAX_BYTES) {
        throw new IOException("tar header at offset " + offset + ": global PAX headers exceed "
            + MAX_GLOBAL_PAX_BYTES + " bytes in all; refusing them");
      }
      if (type == 'x' || type == 'X') {
        pax = new byte[(int) size];
        paxFill = 0;
        paxEnd = offset + BLOCK + size;
        if (size == 0) {
          pax = null;
        }
      }
    } else {
      run = 0;
      if (paxSize >= 0) {
        size = paxSize;
      }
      paxSize = -1;
    }
    nextHeader = offset + BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private void checkChecksum(long offset) throws IOException {
    long stored = octal(148, 8);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int v = i >= 148 && i < 156 ? ' ' : header[i];
      unsigned += v & 0xff;
      signed += (byte) v;
    }
    if (stored != unsigned && stored != signed) {
      throw new IOException("no valid tar header at offset " + offset + " (bad checksum)");
    }
  }

  private long size(long offset) throws IOException {
    if ((header[124] & 0x80) != 0) {
      if ((header[124] & 0x40) != 0) {
        throw new IOException("tar header at offset " + offset + " has a negative size");
      }
      long v = header[124] & 0x3f;
      for (int i = 125; i < 136; i++) {
        if (v > (Long.MAX_VALUE >> 9)) {
          throw new IOException("tar header at offset " + offset + " has a size too large to read");
        }
        v = (v << 8) | (header[i] & 0xff);
      }
      return v;
    }
    return octal(124, 12);
  }

  private long octal(int start, int len) {
    long v = 0;
    int i = start;
    int end = start + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    for (; i < end && header[i] >= '0' && header[i] <= '7'; i++) {
      v = (v << 3) + (header[i] - '0');
    }
    return v;
  }

  /** The value of a PAX header's {@code size} record, or -1 when it has none (or is malformed). */
  private static long sizeRecord(byte[] data, int len) {
    long found = -1;
    int i = 0;
    while (i < len) {
      int sp = i;
      long recLen = 0;
      while (sp < len && data[sp] >= '0' && data[sp] <= '9' && recLen < len) {
        recLen = recLen * 10 + (data[sp] - '0');
        sp++;
      }
      if (sp >= len || data[sp] != ' ' || recLen <= 0 || i + recLen > len) {
        return found;
      }
      int end = (int) (i + recLen);
      String rec = new String(data, sp + 1, Math.max(0, end - sp - 2), StandardCharsets.UTF_8);
      if (rec.startsWith("size=")) {
        try {
          found = Long.parseLong(rec.substring(5));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      i = end;
    }
    return found;
  }
}
