package org.guildpkg.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.guildpkg.GuildException;

/**
 * One {@code source} entry of a GuildPkg: a file of the package folder, or a {@code file://},
 * {@code http://} or {@code https://} URL, optionally renamed with {@code NAME::URL}.
 *
 * <pre>{@code
 * Source.parse("upstream.tar.gz::https://example.org/v1.tar.gz").fileName(); // upstream.tar.gz
 * Source.parse("tensorflow.patch").url();                                    // Optional.empty()
 * }</pre>
 *
 * @param entry the entry as written in the GuildPkg
 * @param fileName the file's name in {@code $srcdir} (and in the source cache)
 * @param url the URL to fetch, for URL sources
 * @param localPath the path relative to the package folder, for local sources
 */
public record Source(String entry, String fileName, Optional<URI> url, Optional<String> localPath) {

  /** Checks that exactly one of {@code url} and {@code localPath} is present. */
  public Source {
    if (entry == null || fileName == null || url == null || localPath == null
        || url.isPresent() == localPath.isPresent()) {
      throw new IllegalArgumentException("a source is either a URL or a local path");
    }
  }

  /**
   * Parses one entry.
   *
   * @throws GuildException naming the entry when it is neither a safe relative path nor a
   *     {@code file}, {@code http} or {@code https} URL
   */
  public static Source parse(String entry) {
    String rename = null;
    String rest = entry;
    int sep = entry.indexOf("::");
    if (sep >= 0) {
      rename = entry.substring(0, sep);
      rest = entry.substring(sep + 2);
      if (!isPlainFileName(rename)) {
        throw new GuildException(
            "invalid source '" + entry + "': the name before '::' must be a plain file name");
      }
    }
    if (rest.contains("://")) {
      URI uri;
      try {
        uri = new URI(rest);
      } catch (URISyntaxException e) {
        throw new GuildException("invalid source '" + entry + "': bad URL: " + e.getMessage(), e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
        throw new GuildException(
            "invalid source '" + entry + "': only file://, http:// and https:// URLs are supported");
      }
      String path = uri.getPath() == null ? "" : uri.getPath();
      String last = path.substring(path.lastIndexOf('/') + 1);
      String name = rename != null ? rename : last;
      if (!isPlainFileName(name)) {
        throw new GuildException(
            "invalid source '" + entry + "': the URL ends in no file name; write NAME::" + rest);
      }
      return new Source(entry, name, Optional.of(uri), Optional.empty());
    }
    Path p = Path.of(rest).normalize();
    if (rest.isEmpty() || p.isAbsolute() || p.startsWith("..")) {
      throw new GuildException(
          "invalid source '" + entry + "': a local source must be a path inside the package"
              + " folder, or use a file:// URL");
    }
    String name = rename != null ? rename : p.getFileName().toString();
    return new Source(entry, name, Optional.empty(), Optional.of(p.toString()));
  }

  /** True for a source that is downloaded over HTTP(S) (and so kept in the source cache). */
  public boolean isDownload() {
    return url.map(u -> !u.getScheme().equalsIgnoreCase("file")).orElse(false);
  }

  private static boolean isPlainFileName(String s) {
    return !s.isEmpty() && !s.equals(".") && !s.equals("..") && !s.contains("/")
        && !s.contains("\\");
  }

  @Override
  public String toString() {
    return entry;
  }
}
