package org.guildpkg.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.guildpkg.transport.StreamingBody;
import org.guildpkg.spec.GuildPkg;
import org.guildpkg.spec.Source;
import org.guildpkg.transport.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets every source of a GuildPkg as a local file and checks it against {@code sha256sums}.
 *
 * <p>Local sources are read in the package folder, {@code file://} URLs where they are, and
 * {@code http(s)://} downloads go to the source cache, {@code CACHE/<hash of URL>/<file name>},
 * where they are reused while they match their checksum (a {@code SKIP} source is reused as it
 * is). Before downloading, the {@link SourceSearchPath} is looked in: a file there with the
 * source's name and checksum is copied into the cache instead. A download is written to a temporary file and moved into the cache only once its checksum
 * matched, so the cache never holds a bad file.
 */
final class SourceFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(SourceFetcher.class);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  private final Path cacheDir;
  private final SourceSearchPath searchPath;
  private final boolean offline;
  private final Consumer<String> progress;
  private HttpClient http;

  SourceFetcher(Path cacheDir, SourceSearchPath searchPath, boolean offline,
      Consumer<String> progress) {
    this.cacheDir = cacheDir;
    this.searchPath = searchPath;
    this.offline = offline;
    this.progress = progress;
  }

  /**
   * A source with the local file that holds it; for a Git source, the bare clone and the commit
   * its pin names.
   */
  record Fetched(GuildPkg pkg, Source source, Path file, Optional<String> commit) {
    /** The checksum {@code sha256sums} gives for this source (see {@link GitSource}). */
    String checksum() {
      return commit.map(c -> GitSource.checksum(pkg, file, c)).orElseGet(() -> sha256(file));
    }
  }

  /**
   * Fetches and verifies every source, in order.
   *
   * @param verify false to skip the checks (for {@code --gen-checksums}, which computes them)
   * @throws GuildException naming the GuildPkg line, the source and both digests on a mismatch,
   *     or the file or URL that could not be read
   */
  List<Fetched> fetchAll(GuildPkg pkg, boolean verify) {
    List<Fetched> out = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < pkg.sources().size(); i++) {
      Source s = Source.parse(pkg.sources().get(i));
      if (names.contains(s.fileName())) {
        throw new GuildException(pkg.where("source") + ": source: two sources are named '"
            + s.fileName() + "'; rename one with NAME::URL");
      }
      names.add(s.fileName());
      String expected = verify ? pkg.sha256sums().get(i) : GuildPkg.SKIP;
      Fetched fetched;
      if (s.isGit()) {
        Path bare = GitSource.mirror(pkg, s, cacheDir, offline, progress);
        fetched = new Fetched(pkg, s, bare, GitSource.resolve(bare, s));
      } else {
        fetched = new Fetched(pkg, s, fetch(pkg, s, expected), Optional.empty());
      }
      Path file = fetched.file();
      if (verify && !expected.equals(GuildPkg.SKIP)) {
        String actual = fetched.checksum();
        if (!actual.equals(expected)) {
          throw new GuildException(pkg.where("sha256sums") + ": sha256 mismatch for source '"
              + s.entry() + "' (" + file + "): expected " + expected + ", got " + actual
              + "; fix the source or its checksum");
        }
      }
      out.add(fetched);
    }
    return out;
  }

  private Path fetch(GuildPkg pkg, Source s, String expected) {
    if (s.localPath().isPresent()) {
      Path p = pkg.folder().resolve(s.localPath().get());
      if (!Files.isRegularFile(p)) {
        throw new GuildException(pkg.where("source") + ": source '" + s.entry()
            + "' is missing: no file " + p);
      }
      return p;
    }
    URI url = s.url().orElseThrow();
    if (!s.isDownload()) {
      Path p;
      try {
        p = Path.of(url);
      } catch (IllegalArgumentException e) {
        throw new GuildException(pkg.where("source") + ": source '" + s.entry()
            + "' is not a usable file:// URL: " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(p)) {
        throw new GuildException(pkg.where("source") + ": source '" + s.entry()
            + "' is missing: no file " + p);
      }
      return p;
    }
    Path cached = cacheDir.resolve(urlKey(url)).resolve(s.fileName());
    if (Files.isRegularFile(cached)
        && (expected.equals(GuildPkg.SKIP) || sha256(cached).equals(expected))) {
      LOG.debug("reusing cached source {} for {}", cached, url);
      progress.accept("  -> Found " + s.fileName() + " in the source cache");
      return cached;
    }
    Optional<Path> found = searchPath.find(s.fileName(), expected);
    if (found.isPresent()) {
      progress.accept("  -> Found " + s.fileName() + " in " + found.get().getParent());
      AtomicFiles.copy(found.get(), cached);
      return cached;
    }
    if (offline) {
      throw new GuildException(pkg.where("source") + ": source " + url + " (" + s.fileName()
          + ") is neither in the source cache nor on the source search path "
          + searchPath.describe() + ", and guild is offline; put the file there or run once"
          + " without --offline");
    }
    progress.accept("  -> Downloading " + s.fileName() + " from " + url);
    try {
      download(pkg, url, cached, expected);
    } catch (NotDownloadable e) {
      throw new GuildException(pkg.where("source") + ": source " + url + " cannot be downloaded ("
          + e.getMessage() + ") and " + s.fileName() + " is not on the source search path "
          + searchPath.describe() + "; put the file in one of those folders or pass"
          + " --sources DIR", e.getCause());
    }
    return cached;
  }

  /** A download that failed for a reason of the network or the server, not of the file. */
  private static final class NotDownloadable extends Exception {
    NotDownloadable(String reason, Throwable cause) {
      super(reason, cause);
    }
  }

  private void download(GuildPkg pkg, URI url, Path target, String expected)
      throws NotDownloadable {
    Path tmp = null;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
      HttpRequest request =
          HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET()
              .header("User-Agent", "guild").build();
      // The request's timeout ends at the headers; the body gets an idle timeout of its own.
      HttpResponse<java.util.concurrent.Flow.Publisher<java.util.List<java.nio.ByteBuffer>>> response =
          client().send(request, HttpResponse.BodyHandlers.ofPublisher());
      try (InputStream in = StreamingBody.of(response.body(), StreamingBody.configuredIdleTimeout())) {
        if (response.statusCode() != 200) {
          throw new NotDownloadable("HTTP " + response.statusCode(), null);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
      }
      if (!expected.equals(GuildPkg.SKIP)) {
        String actual = sha256(tmp);
        if (!actual.equals(expected)) {
          throw new GuildException(pkg.where("sha256sums") + ": sha256 mismatch for source "
              + url + ": expected " + expected + ", got " + actual
              + "; fix the source or its checksum");
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new NotDownloadable(e instanceof java.net.ConnectException
          ? "cannot connect to " + url.getAuthority() : GuildException.reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GuildException("interrupted while downloading " + url, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray .part file is never taken for a cached source
        }
      }
    }
  }

  private synchronized HttpClient client() {
    if (http == null) {
      HttpClient.Builder b = HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(CONNECT_TIMEOUT);
      ProxySelector proxies = ProxySelector.getDefault(); // honours http(s).proxyHost etc.
      if (proxies != null) {
        b.proxy(proxies);
      }
      http = b.build();
    }
    return http;
  }

  /** The cache sub-folder of a URL: the first 16 hex digits of its sha256. */
  static String urlKey(URI url) {
    return FileOps.sha256(url.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  static String sha256(Path file) {
    try {
      return FileOps.sha256(file);
    } catch (IOException e) {
      throw new GuildException("cannot read " + file + ": " + GuildException.reason(e), e);
    }
  }
}
