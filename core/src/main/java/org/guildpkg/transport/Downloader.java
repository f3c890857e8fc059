package org.guildpkg.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.guildpkg.GuildException;
import org.guildpkg.archive.ArchiveWriter;
import org.guildpkg.io.PathLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a mirror file into a cache folder and checks it against the size and sha256 that the
 * mirror's index declares, resuming an interrupted transfer from its partial file and retrying
 * transient failures a bounded number of times.
 *
 * <p>The partial file {@code NAME.part} lives beside the finished one; a second JVM downloading the
 * same file waits on a file lock rather than writing into it. A finished file whose size and
 * sha256 still match is reused without any transfer.
 *
 * <pre>{@code
 * Path archive = new Downloader(home.resolve("cache/downloads"))
 *     .download(transport, "packages/a/a-1.pkg.tar.zst", size, sha256, ProgressListener.NONE);
 * }</pre>
 */
public final class Downloader {
  private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);

  private final Path cacheDir;
  private final int attempts;
  private final Duration firstBackoff;

  /** A downloader into {@code cacheDir} with 4 attempts and a backoff that starts at 250 ms. */
  public Downloader(Path cacheDir) {
    this(cacheDir, 4, Duration.ofMillis(250));
  }

  /** A downloader with a chosen number of attempts (at least 1) and first backoff. */
  public Downloader(Path cacheDir, int attempts, Duration firstBackoff) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
    this.cacheDir = cacheDir;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  /** The finished file a download of {@code relPath} goes to (it may not exist yet). */
  public Path cached(String relPath) {
    return cacheDir.resolve(fileName(relPath));
  }

  /**
   * Holds the lock of the cached file of {@code relPath} (the one {@link #download} takes while it
   * transfers), so that {@code guild cache clean} leaves the file alone while the caller uses it,
   * for example until the store has installed it. Reentrant: {@link #download} may run inside.
   */
  public PathLock.Hold hold(String relPath) {
    Path done = cached(relPath);
    return PathLock.of(done.resolveSibling(done.getFileName() + ".lock")).hold();
  }

  /**
   * Returns the cached file when it is complete and matches, without any transfer; otherwise
   * empty.
   */
  public java.util.Optional<Path> cachedIfValid(String relPath, long size, String sha256) {
    Path done = cached(relPath);
    return matches(done, size, sha256) ? java.util.Optional.of(done) : java.util.Optional.empty();
  }

  /**
   * Downloads {@code relPath} from {@code transport} (or reuses the cached copy) and checks it.
   *
   * @return the verified file in the cache folder
   * @throws GuildException on a size or sha256 mismatch (the bad file is deleted), or when every
   *     attempt failed; the message names the URL
   */
  public Path download(Transport transport, String relPath, long size, String sha256, ProgressListener progress) {
    Path done = cached(relPath);
    Path part = done.resolveSibling(done.getFileName() + ".part");
    try (PathLock.Hold ignored = PathLock.of(done.resolveSibling(done.getFileName() + ".lock")).hold()) {
      Files.createDirectories(cacheDir);
      if (matches(done, size, sha256)) {
        LOG.debug("reusing {}", done);
        progress.cached(relPath, size);
        return done;
      }
      Files.deleteIfExists(done);
      return transfer(transport, relPath, size, sha256, part, done, progress);
    } catch (IOException e) {
      throw new GuildException("cannot use download cache " + cacheDir + ": " + GuildException.reason(e), e);
    }
  }

  private Path transfer(Transport transport, String relPath, long size, String sha256, Path part,
      Path done, ProgressListener progress) throws IOException {
    TransportException last = null;
    boolean restarted = false;
    int tried = 0;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      long have = Files.exists(part) ? Files.size(part) : 0;
      if (have > size) {
        Files.delete(part);
        have = 0;
      }
      tried = attempt;
      try {
        if (have > 0) {
          LOG.info("resuming {} from byte {}", transport.resolve(relPath), have);
        }
        long got = transport.fetch(relPath, part, have, progress);
        if (got != size || !sha256.equals(ArchiveWriter.sha256(part))) {
          boolean resumed = have > 0;
          Files.deleteIfExists(part);
          if (resumed && !restarted) {
            // The partial file may have come from other content: one fresh try settles it.
            restarted = true;
            attempt--;
            continue;
          }
          throw new GuildException(
              "checksum mismatch for " + transport.resolve(relPath) + ": expected " + size
                  + " bytes with sha256 " + sha256 + " but got " + got + " bytes"
                  + (got == size ? " with another sha256" : "")
                  + "; the mirror's file or index is corrupt or was tampered with");
        }
        Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return done;
      } catch (TransportException e) {
        last = e;
        if (!e.isTransient() || attempt == attempts) {
          break;
        }
        LOG.warn("{} (attempt {} of {}); retrying", e.getMessage(), attempt, attempts);
        pause(attempt);
      }
    }
    throw new GuildException(
        "download failed after " + tried + " attempt(s): " + last.getMessage(), last);
  }

  private void pause(int attempt) {
    try {
      Thread.sleep(firstBackoff.toMillis() << (attempt - 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuildException("interrupted while waiting to retry a download", e);
    }
  }

  private static boolean matches(Path file, long size, String sha256) {
    try {
      return Files.isRegularFile(file) && Files.size(file) == size
          && sha256.equals(ArchiveWriter.sha256(file));
    } catch (IOException e) {
      return false;
    }
  }

  private static String fileName(String relPath) {
    int slash = relPath.lastIndexOf('/');
    return relPath.substring(slash + 1);
  }
}
