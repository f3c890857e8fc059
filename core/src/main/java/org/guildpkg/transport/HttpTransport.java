package org.guildpkg.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mirror served over HTTP(S): {@code GET} (with {@code Range} to resume) to read, {@code PUT}
 * (WebDAV, such as nginx's dav module) to publish.
 *
 * <p>Uses the JDK's {@link HttpClient}: redirects followed (not from HTTPS to HTTP), a connect
 * timeout, a timeout until the response headers, and the system's proxy selector
 * ({@code -Dhttps.proxyHost=...}). Bodies are streamed with an idle timeout: a server that stops
 * sending mid-body fails the transfer after {@link #idleTimeout()} (a download then resumes with
 * {@code Range}), and a small file ({@link #get(String, long)}) longer than its cap is refused
 * before it fills the heap.
 */
final class HttpTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  /** One client for the JVM: it pools connections and threads. */
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(CONNECT_TIMEOUT)
          .proxy(ProxySelector.getDefault())
          .build();

  private final URI base;
  private final boolean offline;
  private final Duration idleTimeout;

  /** A transport for the mirror at {@code base}; with {@code offline} every request is refused. */
  HttpTransport(URI base, boolean offline) {
    this(base, offline, StreamingBody.configuredIdleTimeout());
  }

  /** A transport whose bodies fail when no byte arrives for {@code idleTimeout}. */
  HttpTransport(URI base, boolean offline, Duration idleTimeout) {
    this.base = Transport.withSlash(base);
    this.offline = offline;
    this.idleTimeout = idleTimeout;
  }

  /** How long a response body may send nothing before the transfer fails. */
  Duration idleTimeout() {
    return idleTimeout;
  }

  @Override
  public URI base() {
    return base;
  }

  @Override
  public Optional<byte[]> get(String relPath, long maxBytes) {
    URI uri = resolve(relPath);
    Response r = send(HttpRequest.newBuilder(uri).GET(), uri);
    try (StreamingBody body = r.body()) {
      if (r.statusCode() == 404 || r.statusCode() == 410) {
        return Optional.empty();
      }
      checkStatus(r.statusCode(), "GET", uri);
      long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > maxBytes) {
        throw tooLarge(uri, maxBytes);
      }
      return Optional.of(body.readAtMost(maxBytes));
    } catch (StreamingBody.TooLargeException e) {
      throw tooLarge(uri, maxBytes);
    } catch (IOException e) {
      throw new TransportException("GET " + uri + " broke off: " + describe(e), true, e);
    }
  }

  private static TransportException tooLarge(URI uri, long maxBytes) {
    return new TooLargeException(uri, maxBytes);
  }

  @Override
  public long fetch(String relPath, Path partial, long offset, ProgressListener progress) {
    URI uri = resolve(relPath);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET();
    if (offset > 0) {
      req.header("Range", "bytes=" + offset + "-");
    }
    Response r = send(req, uri);
    long start;
    long total;
    try (StreamingBody body = r.body()) {
      int status = r.statusCode();
      if (status == 416 && offset > 0) {
        // The partial file is as long as the resource or longer: let the checksum decide.
        return offset;
      }
      checkStatus(status, "GET", uri);
      long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (status == 206) {
        Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
        if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
          throw new TransportException(
              uri + ": the server answered a range request with a different range", true, null);
        }
        start = offset;
        total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
      } else {
        start = 0; // the server ignored the range: start again from the first byte
        total = length;
      }
      progress.start(relPath, start, total);
      long pos = start;
      try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          start == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = body.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          pos += n;
          progress.advance(n);
        }
      } catch (StreamingBody.StalledException e) {
        throw new TransportException(
            uri + ": transfer stalled after " + pos + " bytes (" + e.getMessage() + ")", true, e);
      } catch (IOException e) {
        throw new TransportException(
            uri + ": transfer broke off after " + pos + " bytes: " + e.getMessage(), true, e);
      }
      if (total >= 0 && pos < total) {
        throw new TransportException(
            uri + ": transfer ended after " + pos + " of " + total + " bytes", true, null);
      }
      return pos;
    } finally {
      progress.finish();
    }
  }

  @Override
  public void put(String relPath, Path source) {
    try {
      put(relPath, HttpRequest.BodyPublishers.ofFile(source));
    } catch (IOException e) {
      throw new GuildException("cannot read " + source + ": " + GuildException.reason(e), e);
    }
  }

  @Override
  public void put(String relPath, byte[] content) {
    put(relPath, HttpRequest.BodyPublishers.ofByteArray(content));
  }

  private void put(String relPath, HttpRequest.BodyPublisher body) throws TransportException {
    URI uri = resolve(relPath);
    Response r = send(HttpRequest.newBuilder(uri).PUT(body), uri);
    r.body().close(); // the answer's body is never needed (and may never end)
    int s = r.statusCode();
    if (s != 200 && s != 201 && s != 204) {
      throw new TransportException(
          "PUT " + uri + " failed with HTTP " + s
              + (s == 405 ? ": the server does not accept uploads (enable WebDAV PUT)" : ""),
          s >= 500, null);
    }
    LOG.debug("PUT {} -> {}", uri, s);
  }

  /** Sends a request and returns once the headers have arrived; the body streams with the idle timeout. */
  private Response send(HttpRequest.Builder req, URI uri) {
    HttpResponse<java.util.concurrent.Flow.Publisher<java.util.List<java.nio.ByteBuffer>>> r =
        send(req, HttpResponse.BodyHandlers.ofPublisher(), uri);
    return new Response(r.statusCode(), r.headers(), StreamingBody.of(r.body(), idleTimeout));
  }

  /** The status and headers of a response, with its body to stream. */
  private record Response(int statusCode, java.net.http.HttpHeaders headers, StreamingBody body) {}

  private <T> HttpResponse<T> send(HttpRequest.Builder req, HttpResponse.BodyHandler<T> handler, URI uri) {
    if (offline) {
      throw new GuildException(
          "offline: refusing to contact " + uri + "; run without --offline (or unset GUILD_OFFLINE)");
    }
    try {
      return CLIENT.send(req.timeout(HEADERS_TIMEOUT).header("User-Agent", "guild").build(), handler);
    } catch (IOException e) {
      throw new TransportException("cannot reach " + uri + ": " + describe(e), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while contacting " + uri, false, e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }

  private static void checkStatus(int status, String method, URI uri) {
    if (status >= 200 && status < 300) {
      return;
    }
    boolean retry = status >= 500 || status == 408 || status == 429;
    throw new TransportException(method + " " + uri + " failed with HTTP " + status, retry, null);
  }
}
