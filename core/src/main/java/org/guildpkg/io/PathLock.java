package org.guildpkg.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.guildpkg.GuildException;

/**
 * A lock that excludes other threads of this JVM and other processes: a reentrant in-JVM lock
 * plus an OS file lock on a lock file while the in-JVM lock is held at all.
 *
 * <p>Both are needed: {@link FileChannel#lock()} excludes other processes but not other threads
 * of this JVM (it throws instead), and an in-JVM lock excludes only threads. There is one instance
 * per lock file per JVM. The OS releases the file lock when its process dies, so a lock that can be
 * taken tells that its last owner is gone.
 *
 * <pre>{@code
 * try (PathLock.Hold h = PathLock.of(home.resolve("lock")).hold()) {
 *   ... change the store ...
 * }
 * }</pre>
 */
public final class PathLock {
  private static final ConcurrentMap<Path, PathLock> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final ReentrantLock threads = new ReentrantLock();
  private FileChannel channel;
  private FileLock fileLock;

  private PathLock(Path file) {
    this.file = file;
  }

  /** The lock of {@code file} (created when first taken), shared by every caller in this JVM. */
  public static PathLock of(Path file) {
    return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), PathLock::new);
  }

  /** A hold of the lock, released by {@link #close()}. */
  public interface Hold extends AutoCloseable {
    /** Releases this hold. */
    @Override
    void close();
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /**
   * Blocks until this thread holds the lock (again).
   *
   * @throws GuildException when the lock file cannot be created or locked
   */
  public void acquire() {
    threads.lock();
    if (threads.getHoldCount() == 1) {
      try {
        open();
        fileLock = channel.lock();
      } catch (IOException | RuntimeException e) {
        closeChannel();
        threads.unlock();
        throw new GuildException("cannot lock " + file + ": " + GuildException.reason(e)
            + "; check that the folder is writable", e);
      }
    }
  }

  /** Takes the lock when no other thread or process holds it; returns whether it did. */
  public boolean tryAcquire() {
    if (!threads.tryLock()) {
      return false;
    }
    if (threads.getHoldCount() == 1) {
      try {
        open();
        fileLock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        closeChannel();
        threads.unlock();
        return false;
      }
    }
    return true;
  }

  /** {@link #acquire()}s the lock and returns a hold to close. */
  public Hold hold() {
    acquire();
    return new Hold() {
      private boolean closed;

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          release();
        }
      }
    };
  }

  /** Releases one hold of this thread; the file lock goes with the last one. */
  public void release() {
    if (!threads.isHeldByCurrentThread()) {
      throw new IllegalStateException("the lock " + file + " is not held by this thread");
    }
    if (threads.getHoldCount() == 1) {
      closeChannel();
    }
    threads.unlock();
  }

  /** True when the current thread holds the lock. */
  public boolean isHeldByCurrentThread() {
    return threads.isHeldByCurrentThread();
  }

  private void open() throws IOException {
    Files.createDirectories(file.getParent());
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private void closeChannel() {
    try {
      if (fileLock != null && fileLock.isValid()) {
        fileLock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    } finally {
      fileLock = null;
      channel = null;
    }
  }
}
