package org.guildpkg.tf.serve;

import java.time.Duration;

/**
 * Admission control of request bodies: the bodies being handled at once may total at most a budget
 * of bytes, so that many large requests at once cannot exhaust the heap. A request that would pass
 * the budget waits for others to finish, up to a bound; one request is always admitted when nothing
 * else is in flight, so a body up to the size limit can always be served.
 *
 * <pre>{@code
 * if (!budget.acquire(n, wait)) { ... answer 503 ... }
 * try { ... } finally { budget.release(n); }
 * }</pre>
 */
final class InFlightBudget {
  private final long limit;
  private long inFlight;

  InFlightBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the in-flight budget must be >= 1 byte: " + limit);
    }
    this.limit = limit;
  }

  /** The budget, in bytes. */
  long limit() {
    return limit;
  }

  /** The bytes admitted and not yet released. */
  synchronized long inFlight() {
    return inFlight;
  }

  /**
   * Admits {@code bytes}, waiting up to {@code wait} for room; false when there was none (the caller
   * refuses the request) or the thread was interrupted.
   */
  synchronized boolean acquire(long bytes, Duration wait) {
    return acquire(bytes, wait, 0);
  }

  /**
   * Admits {@code bytes} more for a request that holds {@code held} already, as {@link
   * #acquire(long, Duration)} does; it is admitted whenever no other request is in flight.
   */
  synchronized boolean acquire(long bytes, Duration wait, long held) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (inFlight - held > 0 && inFlight + bytes > limit) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    inFlight += bytes;
    return true;
  }

  /** Gives back {@code bytes} admitted before, and wakes the requests waiting for room. */
  synchronized void release(long bytes) {
    inFlight = Math.max(0, inFlight - bytes);
    notifyAll();
  }
}
