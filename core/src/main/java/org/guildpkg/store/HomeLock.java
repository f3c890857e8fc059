package org.guildpkg.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.guildpkg.GuildException;

/**
 * The lock of one Guild home: a reentrant in-JVM lock plus an OS file lock on
 * {@code $GUILD_HOME/lock} while the in-JVM lock is held at all.
 *
 * <p>Both are needed: {@link FileChannel#lock()} excludes other processes but not other threads
 * of this JVM (it throws instead), and the in-JVM lock excludes threads. One instance per lock
 * file per JVM, so that two {@link Store}s on the same home share it.
 */
final class HomeLock {
  private static final ConcurrentMap<Path, HomeLock> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final ReentrantLock threads = new ReentrantLock();
  private FileChannel channel;
  private FileLock fileLock;

  private HomeLock(Path file) {
    this.file = file;
  }

  static HomeLock of(Path file) {
    return LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), HomeLock::new);
  }

  /** Blocks until this thread holds the lock (again). */
  void acquire() {
    threads.lock();
    if (threads.getHoldCount() == 1) {
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        fileLock = channel.lock();
      } catch (IOException | RuntimeException e) {
        closeChannel();
        threads.unlock();
        throw new GuildException("cannot lock " + file + ": " + GuildException.reason(e)
            + "; check that the folder is writable", e);
      }
    }
  }

  /** Takes the lock when nobody else holds it; returns whether it did. */
  boolean tryAcquire() {
    if (!threads.tryLock()) {
      return false;
    }
    if (threads.getHoldCount() == 1) {
      try {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
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

  /** Releases one hold; the file lock goes with the last one. */
  void release() {
    if (!threads.isHeldByCurrentThread()) {
      throw new IllegalStateException("the store lock of " + file + " is not held by this thread");
    }
    if (threads.getHoldCount() == 1) {
      closeChannel();
    }
    threads.unlock();
  }

  boolean isHeldByCurrentThread() {
    return threads.isHeldByCurrentThread();
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
