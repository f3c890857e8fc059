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
import java.util.LinkedHashMap;
import java.util.Map;
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
          .followRedirects(HttpClient.Redirect.NEVER) // followed here, to keep credentials on their host
          .connectTimeout(CONNECT_TIMEOUT)
          .proxy(ProxySelector.getDefault())
          .build();

  private static final int MAX_REDIRECTS = 5;

  private final URI base;
  private final TransportContext context;
  private final Duration idleTimeout;

  /** A transport for the mirror at {@code base}; with {@code offline} every request is refused. */
  HttpTransport(URI base, boolean offline) {
    this(base, TransportContext.of(offline), StreamingBody.configuredIdleTimeout());
  }

  /**
   * A transport for the mirror at {@code base} with the context's credentials, whose bodies fail
   * when no byte arrives for {@code idleTimeout}.
   */
  HttpTransport(URI base, TransportContext context, Duration idleTimeout) {
    this.base = Transport.withSlash(base);
    this.context = context;
    this.idleTimeout = idleTimeout;
  }

  /** A transport whose bodies fail when no byte arrives for {@code idleTimeout}. */
  HttpTransport(URI base, boolean offline, Duration idleTimeout) {
    this(base, TransportContext.of(offline), idleTimeout);
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
    Refreshed r = getIfChanged(relPath, maxBytes, Validators.NONE);
    if (r instanceof Refreshed.Changed c) {
      return Optional.of(c.content());
    }
    return Optional.empty(); // Missing: an unconditional GET never gets Unchanged
  }

  /** Sends If-None-Match and If-Modified-Since from {@code known}; nginx answers 304 when they hold. */
  @Override
  public Refreshed getIfChanged(String relPath, long maxBytes, Validators known) {
    URI uri = resolve(relPath);
    Map<String, String> headers = new LinkedHashMap<>();
    known.etag().ifPresent(v -> headers.put("If-None-Match", v));
    known.lastModified().ifPresent(v -> headers.put("If-Modified-Since", v));
    Response r = send("GET", uri, null, headers);
    try (StreamingBody body = r.body()) {
      if (r.statusCode() == 404 || r.statusCode() == 410) {
        return new Refreshed.Missing();
      }
      if (r.statusCode() == 304 && !known.isEmpty()) {
        return new Refreshed.Unchanged();
      }
      checkStatus(r.statusCode(), "GET", uri);
      long declared = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (declared > maxBytes) {
        throw tooLarge(uri, maxBytes);
      }
      byte[] content = body.readAtMost(maxBytes);
      return new Refreshed.Changed(content, new Validators(r.headers().firstValue("ETag"),
          r.headers().firstValue("Last-Modified")));
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
    Response r = send("GET", uri, null,
        offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of());
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
    Response r = send("PUT", uri, body, Map.of());
    r.body().close(); // the answer's body is never needed (and may never end)
    int s = r.statusCode();
    checkAuth(s, "PUT", uri);
    if (s != 200 && s != 201 && s != 204) {
      throw new TransportException(
          "PUT " + uri + " failed with HTTP " + s
              + (s == 405 ? ": the server does not accept uploads (enable WebDAV PUT)" : ""),
          s >= 500, null);
    }
    LOG.debug("PUT {} -> {}", uri, s);
  }

  /**
   * Sends a request and returns once the headers have arrived; the body streams with the idle
   * timeout. A GET follows up to 5 redirects (never from HTTPS to HTTP); the credentials go only
   * to the mirror's own scheme, host and port, so a redirect elsewhere never receives them.
   */
  private Response send(String method, URI uri, HttpRequest.BodyPublisher body, Map<String, String> headers) {
    URI at = uri;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder req = HttpRequest.newBuilder(at)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
      headers.forEach(req::header);
      if (context.credentials().isPresent() && sameOrigin(at, base)) {
        req.header("Authorization", context.credentials().get().authorization());
      }
      HttpResponse<java.util.concurrent.Flow.Publisher<java.util.List<java.nio.ByteBuffer>>> r =
          send(req, HttpResponse.BodyHandlers.ofPublisher(), at);
      Response answer = new Response(r.statusCode(), r.headers(), StreamingBody.of(r.body(), idleTimeout));
      int s = r.statusCode();
      if (!method.equals("GET") || (s != 301 && s != 302 && s != 303 && s != 307 && s != 308)) {
        return answer;
      }
      answer.body().close();
      Optional<String> location = r.headers().firstValue("Location");
      if (location.isEmpty() || hop == MAX_REDIRECTS) {
        throw new TransportException("GET " + uri + " failed: "
            + (location.isEmpty() ? "HTTP " + s + " without a Location" : "more than " + MAX_REDIRECTS + " redirects"),
            false, null);
      }
      URI next;
      try {
        next = at.resolve(location.get().strip());
      } catch (IllegalArgumentException e) {
        throw new TransportException("GET " + uri + " was redirected to an invalid URL", false, e);
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("https") && !(scheme.equals("http") && "http".equalsIgnoreCase(at.getScheme()))) {
        throw new TransportException("GET " + uri + " was redirected to a " + (scheme.isEmpty() ? "relative" : scheme)
            + " URL, which is refused (only HTTP(S), never from HTTPS to HTTP)", false, null);
      }
      LOG.debug("GET {} redirected ({}) to {}", at, s, next);
      at = next;
    }
  }

  /** True when both URLs have the same scheme, host and port: where credentials may go. */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** A 401 or 403 is a one-line error naming the mirror and what to set. */
  private void checkAuth(int status, String method, URI uri) {
    if (status != 401 && status != 403) {
      return;
    }
    String who = context.describe(base);
    throw new AuthenticationException(context.credentials()
        .map(c -> who + " refused the credentials from " + c.source() + " (" + method + " " + uri
            + ": HTTP " + status + "); check them")
        .orElse(who + " requires credentials (" + method + " " + uri + ": HTTP " + status + "); "
            + context.authHelp()));
  }

  /** The status and headers of a response, with its body to stream. */
  private record Response(int statusCode, java.net.http.HttpHeaders headers, StreamingBody body) {}

  private <T> HttpResponse<T> send(HttpRequest.Builder req, HttpResponse.BodyHandler<T> handler, URI uri) {
    if (context.offline()) {
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

  private void checkStatus(int status, String method, URI uri) {
    if (status >= 200 && status < 300) {
      return;
    }
    checkAuth(status, method, uri);
    boolean retry = status >= 500 || status == 408 || status == 429;
    throw new TransportException(method + " " + uri + " failed with HTTP " + status, retry, null);
  }
}
