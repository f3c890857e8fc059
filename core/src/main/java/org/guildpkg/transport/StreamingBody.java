package org.guildpkg.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP response body read as a stream that gives up when no byte arrives for a while: the JDK
 * client's own timeout ends at the response headers, so a server that stalls in the body would
 * otherwise hold a download (and the lock a caller holds) forever.
 *
 * <p>Subscribes to the body publisher of {@code BodyHandlers.ofPublisher()} and asks for one list
 * of buffers at a time, so no more than one arrives ahead of the reader. {@link #close()} cancels
 * the subscription, which makes the client drop the connection.
 *
 * <pre>{@code
 * HttpResponse<Flow.Publisher<List<ByteBuffer>>> r = client.send(req, BodyHandlers.ofPublisher());
 * try (InputStream in = StreamingBody.of(r.body(), StreamingBody.configuredIdleTimeout())) { ... }
 * }</pre>
 */
public final class StreamingBody extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {
  private static final Object END = new Object();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final long idleNanos;
  private Flow.Subscription subscription;
  private ByteBuffer current;
  private List<ByteBuffer> pending = List.of();
  private int pendingIndex;
  private boolean done;
  private volatile boolean closed;
  private IOException failure;

  private StreamingBody(Duration idle) {
    this.idleNanos = idle.toNanos();
  }

  /** The idle timeout unless {@code GUILD_HTTP_IDLE_TIMEOUT} (seconds) says otherwise. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The idle timeout from the environment variable {@code GUILD_HTTP_IDLE_TIMEOUT} or the system
   * property {@code guild.http.idleTimeout} (seconds, may be fractional), else 30 s.
   *
   * @throws org.guildpkg.GuildException when the setting is not a number of seconds in (0, 86400)
   */
  public static Duration configuredIdleTimeout() {
    String v = System.getProperty("guild.http.idleTimeout", System.getenv("GUILD_HTTP_IDLE_TIMEOUT"));
    if (v == null || v.isBlank()) {
      return DEFAULT_IDLE_TIMEOUT;
    }
    try {
      double seconds = Double.parseDouble(v.strip());
      if (seconds > 0 && seconds < 86_400) {
        return Duration.ofMillis((long) (seconds * 1000));
      }
    } catch (NumberFormatException e) {
      // fall through to the error
    }
    throw new org.guildpkg.GuildException(
        "GUILD_HTTP_IDLE_TIMEOUT must be a number of seconds between 0 and 86400, not '" + v + "'");
  }

  /** Reads {@code body} with an idle timeout of {@code idle} between arriving bytes. */
  public static StreamingBody of(Flow.Publisher<List<ByteBuffer>> body, Duration idle) {
    StreamingBody s = new StreamingBody(idle);
    body.subscribe(s);
    return s;
  }

  /**
   * Reads the whole body, refusing one longer than {@code maxBytes}.
   *
   * @throws TooLargeException when the body is longer than {@code maxBytes}
   */
  byte[] readAtMost(long maxBytes) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int n; (n = read(buf)) >= 0; ) {
      if (out.size() + (long) n > maxBytes) {
        close();
        throw new TooLargeException(maxBytes);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** A body longer than the caller allows. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long max) {
      super("longer than the " + max + " bytes allowed");
    }
  }

  /** No byte arrived within the idle timeout. */
  public static final class StalledException extends IOException {
    private static final long serialVersionUID = 1L;

    StalledException(Duration idle) {
      super("no data for " + idle.toMillis() + " ms");
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    synchronized (this) {
      subscription = s;
    }
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!ensure()) {
      return -1;
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  /** Makes {@link #current} a buffer with bytes left; false at the end of the body. */
  private boolean ensure() throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (failure != null) {
        throw failure;
      }
      if (closed) {
        throw new IOException("the body was closed");
      }
      if (done) {
        return false;
      }
      if (pendingIndex < pending.size()) {
        current = pending.get(pendingIndex++);
        continue;
      }
      Object next;
      try {
        next = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading a response body");
      }
      if (next == null) {
        failure = new StalledException(Duration.ofNanos(idleNanos));
        cancel();
        throw failure;
      }
      if (next == END) {
        done = true;
      } else if (next instanceof Throwable t) {
        failure = t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        throw failure;
      } else {
        @SuppressWarnings("unchecked")
        List<ByteBuffer> list = (List<ByteBuffer>) next;
        pending = list;
        pendingIndex = 0;
        requestMore();
      }
    }
    return true;
  }

  private synchronized void requestMore() {
    if (subscription != null && !closed) {
      subscription.request(1);
    }
  }

  private void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cancel();
    }
  }
}
