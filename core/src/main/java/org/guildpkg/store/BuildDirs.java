package org.guildpkg.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.io.PathLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work folders of package builds, {@code builds/ID/} in a Guild home, each owned by its build
 * through a lock on {@code builds/ID.lock} held for as long as the build runs.
 *
 * <p>A build does not take the store's lock (it may run for hours, and other commands must go on
 * meanwhile), so its folder is not in the store's {@code tmp/}, which the store empties whenever
 * it holds its lock. {@link #sweep} removes only folders whose lock it can take, that is, whose
 * build has ended or was killed (the OS releases a dead process's file locks). Making a folder and
 * sweeping both hold {@code builds/.lock}, so a sweep never sees a folder whose lock is not yet
 * taken.
 *
 * <pre>{@code
 * try (BuildDirs.BuildDir work = BuildDirs.create(layout, "build-" + name)) {
 *   ... build in work.path() ...
 * }                                  // deleted, lock released
 * }</pre>
 */
public final class BuildDirs {
  private static final Logger LOG = LoggerFactory.getLogger(BuildDirs.class);
  private static final String LOCK_SUFFIX = ".lock";

  private BuildDirs() {}

  /** A build's work folder, locked by the thread that created it until closed there. */
  public static final class BuildDir implements AutoCloseable {
    private final Path path;
    private final PathLock lock;
    private boolean closed;

    private BuildDir(Path path, PathLock lock) {
      this.path = path;
      this.lock = lock;
    }

    /** The work folder. */
    public Path path() {
      return path;
    }

    /** Deletes the folder and its lock file and releases the lock; call on the creating thread. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        FileOps.deleteQuietly(path);
        try {
          Files.deleteIfExists(lock.file());
        } catch (IOException e) {
          LOG.debug("cannot delete {}: {}", lock.file(), e.toString());
        }
      } finally {
        lock.release();
      }
    }
  }

  /**
   * Makes a fresh work folder {@code builds/PURPOSE-RANDOM/} and locks it for the calling thread.
   *
   * @throws GuildException when it cannot be created
   */
  public static BuildDir create(HomeLayout layout, String purpose) {
    Path builds = layout.builds();
    PathLock guard = PathLock.of(builds.resolve(".lock"));
    guard.acquire();
    try {
      Files.createDirectories(builds);
      Path dir = Files.createTempDirectory(builds,
          purpose.replaceAll("[^A-Za-z0-9._+-]", "_") + "-");
      PathLock own = PathLock.of(lockFile(dir));
      own.acquire();
      return new BuildDir(dir, own);
    } catch (IOException e) {
      throw new GuildException("cannot create a work folder in " + builds + ": "
          + GuildException.reason(e), e);
    } finally {
      guard.release();
    }
  }

  /**
   * Removes the work folders (and lock files) of builds that are no longer running; leaves every
   * other alone. Does nothing when another sweep or a build's set-up holds {@code builds/.lock}.
   *
   * @return how many folders were removed
   */
  public static int sweep(HomeLayout layout) {
    Path builds = layout.builds();
    if (!Files.isDirectory(builds)) {
      return 0;
    }
    PathLock guard = PathLock.of(builds.resolve(".lock"));
    if (!guard.tryAcquire()) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(builds)) {
      for (Path p : entries) {
        String n = p.getFileName().toString();
        if (n.equals(".lock")) {
          continue;
        }
        boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        Path lockFile = folder ? lockFile(p)
            : n.endsWith(LOCK_SUFFIX) ? p : null;
        if (lockFile == null) {
          continue;
        }
        if (!folder && Files.isDirectory(p.resolveSibling(
            n.substring(0, n.length() - LOCK_SUFFIX.length())), LinkOption.NOFOLLOW_LINKS)) {
          continue; // handled with its folder
        }
        PathLock owner = PathLock.of(lockFile);
        // The lock is reentrant: a build that opens a store on its own thread must not sweep itself.
        if (owner.isHeldByCurrentThread() || !owner.tryAcquire()) {
          continue; // its build is running, in this JVM or another process
        }
        try {
          if (folder) {
            LOG.debug("removing {}, left by a build that ended without cleaning up", p);
            FileOps.deleteQuietly(p);
            removed++;
          }
          Files.deleteIfExists(lockFile);
        } finally {
          owner.release();
        }
      }
    } catch (NoSuchFileException e) {
      return removed;
    } catch (IOException e) {
      LOG.warn("cannot sweep {}: {}", builds, GuildException.reason(e));
    } finally {
      guard.release();
    }
    return removed;
  }

  private static Path lockFile(Path dir) {
    return dir.resolveSibling(dir.getFileName() + LOCK_SUFFIX);
  }
}
