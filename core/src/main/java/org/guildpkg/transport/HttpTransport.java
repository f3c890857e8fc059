package org.guildpkg.transport;

import java.io.IOException;
import java.io.InputStream;
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
 * timeout, and the system's proxy selector ({@code -Dhttps.proxyHost=...}).
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

  /** A transport for the mirror at {@code base}; with {@code offline} every request is refused. */
  public HttpTransport(URI base, boolean offline) {
    this.base = Transport.withSlash(base);
    this.offline = offline;
  }

  @Override
  public URI base() {
    return base;
  }

  @Override
  public Optional<byte[]> get(String relPath) {
    URI uri = resolve(relPath);
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri).GET(), HttpResponse.BodyHandlers.ofByteArray(), uri);
    if (r.statusCode() == 404 || r.statusCode() == 410) {
      return Optional.empty();
    }
    checkStatus(r.statusCode(), "GET", uri);
    return Optional.of(r.body());
  }

  @Override
  public long fetch(String relPath, Path partial, long offset, ProgressListener progress) {
    URI uri = resolve(relPath);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET();
    if (offset > 0) {
      req.header("Range", "bytes=" + offset + "-");
    }
    HttpResponse<InputStream> r = send(req, HttpResponse.BodyHandlers.ofInputStream(), uri);
    long start;
    long total;
    try (InputStream body = r.body()) {
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
      } catch (IOException e) {
        throw new TransportException(
            uri + ": transfer broke off after " + pos + " bytes: " + e.getMessage(), true, e);
      }
      if (total >= 0 && pos < total) {
        throw new TransportException(
            uri + ": transfer ended after " + pos + " of " + total + " bytes", true, null);
      }
      return pos;
    } catch (IOException e) {
      throw new TransportException(uri + ": " + e.getMessage(), true, e);
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
    HttpResponse<String> r =
        send(HttpRequest.newBuilder(uri).PUT(body), HttpResponse.BodyHandlers.ofString(), uri);
    int s = r.statusCode();
    if (s != 200 && s != 201 && s != 204) {
      throw new TransportException(
          "PUT " + uri + " failed with HTTP " + s
              + (s == 405 ? ": the server does not accept uploads (enable WebDAV PUT)" : ""),
          s >= 500, null);
    }
    LOG.debug("PUT {} -> {}", uri, s);
  }

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
