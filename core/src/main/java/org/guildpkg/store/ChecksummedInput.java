package org.guildpkg.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;

/**
 * The raw bytes of an archive file, checked against the mirror's index before anything parses
 * them, and hashed and counted again as the extractor reads them, so that the bytes checked are
 * exactly the bytes installed. Reading past the declared size fails at once. The hashing runs on a thread of its own
 * (on copies of the chunks read, at most {@value #MAX_PENDING} bytes ahead), beside the
 * decompression and writing.
 *
 * <p>{@link #close()} is ignored, so that the archive reader closing its stream on an error does
 * not stop {@link #matches()} from reading the rest; {@link #closeFile()} closes the file.
 */
final class ChecksummedInput extends InputStream {
  private final InputStream file;
  private final ArchiveChecksum expected;
  static final int MAX_PENDING = 8 << 20;

  private final MessageDigest md = ArchiveWriter.sha256Digest();
  private final Semaphore pendingBytes = new Semaphore(MAX_PENDING);
  private final ExecutorService hasher = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "guild-archive-sha256");
    t.setDaemon(true);
    return t;
  });
  private long count;
  private String sha;
  private GuildException failure;

  private ChecksummedInput(InputStream file, ArchiveChecksum expected) {
    this.file = file;
    this.expected = expected;
  }

  /**
   * Opens {@code archive} for reading against {@code expected}, after hashing the whole file
   * through the same open file: a file that does not match is refused before any parser sees a
   * byte of it. The bytes are hashed again as they are read, so a file rewritten in place
   * between the two reads is still caught before the install commits.
   *
   * @throws GuildException with the checksum error when the file does not match
   */
  static ChecksummedInput open(Path archive, ArchiveChecksum expected) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(archive, StandardOpenOption.READ);
      long size = ch.size();
      if (size != expected.size()) {
        throw new GuildException(expected.mismatch(size, false));
      }
      MessageDigest first = ArchiveWriter.sha256Digest();
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long total = 0;
      for (int n; (n = ch.read(buf)) >= 0 && total <= size; buf.clear()) {
        total += n;
        buf.flip();
        first.update(buf);
      }
      if (total != size || !HexFormat.of().formatHex(first.digest()).equals(expected.sha256())) {
        throw new GuildException(expected.mismatch(total, total == size));
      }
      ch.position(0);
      FileChannel opened = ch;
      ch = null;
      return new ChecksummedInput(Channels.newInputStream(opened), expected);
    } catch (IOException e) {
      throw new GuildException("cannot read " + archive + " (" + expected.source() + "): " + GuildException.reason(e), e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // read-only
        }
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = file.read(b, off, len);
    if (n > 0) {
      count += n;
      if (count > expected.size()) {
        throw new IOException("the file is longer than the " + expected.size() + " bytes its index declares");
      }
      byte[] chunk = Arrays.copyOfRange(b, off, off + n);
      pendingBytes.acquireUninterruptibly(chunk.length);
      hasher.execute(() -> {
        md.update(chunk);
        pendingBytes.release(chunk.length);
      });
    }
    return n;
  }

  /**
   * Reads what the extractor left (the archive's end), then checks size and sha256.
   *
   * @throws GuildException naming the archive's source on a mismatch
   */
  void verify() {
    if (!matches()) {
      throw mismatch(null);
    }
  }

  /** The checksum error, caused by {@code cause} (what failed first) unless that is this error. */
  GuildException mismatch(GuildException cause) {
    if (failure == null) {
      failure = new GuildException(expected.mismatch(count, count == expected.size()), cause);
    }
    return failure;
  }

  /** Whether the whole file matches; reads the rest of it first (at most its declared size). */
  boolean matches() {
    if (sha == null) {
      byte[] buf = new byte[1 << 16];
      try {
        while (read(buf, 0, buf.length) >= 0) {
          // hashing on the way
        }
      } catch (IOException e) {
        return false;
      }
      try {
        sha = hasher.submit(() -> HexFormat.of().formatHex(md.digest())).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GuildException("interrupted while hashing " + expected.source(), e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return count == expected.size() && sha.equals(expected.sha256());
  }

  /** The bytes read so far. */
  long bytesRead() {
    return count;
  }

  @Override
  public void close() {
    // see closeFile()
  }

  /** Closes the file. */
  void closeFile() {
    hasher.shutdownNow();
    try {
      file.close();
    } catch (IOException ignored) {
      // read-only; nothing is lost
    }
  }
}
