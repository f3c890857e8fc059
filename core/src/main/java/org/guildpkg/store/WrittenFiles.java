package org.guildpkg.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and syncs the files an extraction writes, on background threads, each as soon as it is
 * written, so that this work overlaps the rest of the extraction instead of following it.
 *
 * <p>For a regular file: re-reads it (from the page cache), compares its sha256 with the file
 * list's, then forces it to disk. For a folder: forces it to disk. {@link #await()} returns once
 * every submitted file has passed; the install's commit (a rename) comes after it, so a committed
 * package holds exactly the declared bytes, on disk even after a power loss. (A {@code kill -9}
 * needs no sync: the page cache outlives the process; the syncs are for power loss, and running
 * them concurrently lets the file system fold them into few journal commits.)
 */
final class WrittenFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WrittenFiles.class);
  private static final int THREADS = 8;
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[1 << 17]);

  private final List<Future<Optional<GuildException>>> pending = new ArrayList<>();
  private ExecutorService pool;

  /**
   * Checks {@code file} against {@code sha256} and syncs it; a mismatch becomes
   * {@code mismatch.apply(actualSha256)}, thrown by {@link #await()}.
   */
  void submitFile(Path file, String sha256, Function<String, GuildException> mismatch) {
    pending.add(pool().submit(() -> {
      String got = sha256(file);
      if (!got.equals(sha256)) {
        return Optional.of(mismatch.apply(got));
      }
      force(file, false);
      return Optional.empty();
    }));
  }

  /** Syncs {@code file}, a regular file or a folder, without checking its content. */
  void submitSync(Path file) {
    boolean dir = Files.isDirectory(file);
    pending.add(pool().submit(() -> {
      force(file, dir);
      return Optional.empty();
    }));
  }

  /**
   * Waits until every submitted file is checked and on disk.
   *
   * @throws GuildException for the first file (in submission order) whose content does not match
   * @throws IOException when a file cannot be read or synced
   */
  void await() throws IOException {
    try {
      for (Future<Optional<GuildException>> f : pending) {
        Optional<GuildException> bad = f.get();
        if (bad.isPresent()) {
          throw bad.get();
        }
      }
      pending.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while checking extracted files", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Stops the threads; work still running is abandoned (the files are being thrown away). */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private ExecutorService pool() {
    if (pool == null) {
      pool = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "guild-check");
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = ArchiveWriter.sha256Digest();
    byte[] buf = BUFFER.get();
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void force(Path p, boolean dir) throws IOException {
    try (FileChannel c = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      c.force(true);
    } catch (IOException e) {
      if (!dir) {
        throw e;
      }
      // Some file systems cannot sync a folder; the rename is still atomic there.
      LOG.debug("cannot sync folder {}: {}", p, e.toString());
    }
  }
}
