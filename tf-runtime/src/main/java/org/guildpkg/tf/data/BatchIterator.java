package org.guildpkg.tf.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;

/**
 * Batches of a split, made ahead by a background thread when prefetching is on (the default), so
 * that a training loop does not wait on the disk. Errors of the background thread are rethrown by
 * {@link #hasNext()}.
 *
 * <p>Close it (try-with-resources): that stops the thread and frees the batches it made but did
 * not hand out. Each batch handed out by {@link #next()} belongs to the caller, who closes it.
 * Not for use by several consumer threads at once.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
  private static final Object END = new Object();

  private final BatchGenerator generator;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private volatile boolean closed;
  private Object peeked;
  private boolean ended;

  BatchIterator(BatchGenerator generator, int prefetch, String splitName) {
    this.generator = generator;
    if (prefetch == 0) {
      this.queue = null;
      this.thread = null;
      return;
    }
    this.queue = new ArrayBlockingQueue<>(prefetch);
    this.thread = new Thread(this::produce, "guild-batches-" + splitName);
    thread.setDaemon(true);
    thread.start();
  }

  private void produce() {
    try {
      while (!closed) {
        Optional<Batch> b = generator.next();
        if (b.isEmpty()) {
          offer(END);
          return;
        }
        if (!offer(b.get())) {
          b.get().close();
          return;
        }
      }
    } catch (Throwable t) {
      offer(t);
    } finally {
      generator.close();
    }
  }

  /** Hands an item to the consumer, waiting for room; false once the iterator is closed. */
  private boolean offer(Object item) {
    try {
      while (!closed) {
        if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (peeked == null && !ended) {
      if (queue == null) {
        Optional<Batch> b = generator.next();
        if (b.isPresent()) {
          peeked = b.get();
        } else {
          ended = true;
          generator.close();
        }
      } else {
        Object item;
        try {
          item = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GuildException("interrupted while waiting for a batch", e);
        }
        if (item == END) {
          ended = true;
        } else if (item instanceof Throwable t) {
          ended = true;
          if (t instanceof RuntimeException re) {
            throw re;
          }
          throw new GuildException("batching failed: " + t, t);
        } else {
          peeked = item;
        }
      }
    }
    return peeked != null;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more batches");
    }
    Batch b = (Batch) peeked;
    peeked = null;
    return b;
  }

  /** Stops the background thread and frees every batch not handed out; later calls do nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (peeked instanceof Batch b) {
      b.close();
    }
    peeked = null;
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Object o; (o = queue.poll()) != null; ) {
        if (o instanceof Batch b) {
          b.close();
        }
      }
    } else {
      generator.close();
    }
  }

  /** True while the background thread runs (for tests and diagnostics). */
  boolean producing() {
    return thread != null && thread.isAlive();
  }
}
