package org.guildpkg.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.guildpkg.GuildException;

/**
 * One {@code source} entry of a GuildPkg: a file of the package folder, or a {@code file://},
 * {@code http://} or {@code https://} URL, optionally renamed with {@code NAME::URL}, or a Git
 * repository pinned to a commit or tag, {@code NAME::git+https://URL#commit=SHA} (also
 * {@code git+http}, {@code git+file}; {@code #tag=TAG}).
 *
 * <pre>{@code
 * Source.parse("upstream.tar.gz::https://example.org/v1.tar.gz").fileName(); // upstream.tar.gz
 * Source.parse("tensorflow.patch").url();                                    // Optional.empty()
 * Source.parse("tf::git+https://github.com/tensorflow/tensorflow.git#tag=v2.15.0").gitTag();
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
      if (scheme.startsWith("git+")) {
        return parseGit(entry, rename, uri, scheme);
      }
      if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
        throw new GuildException(
            "invalid source '" + entry + "': only file://, http:// and https:// URLs and"
                + " git+https://, git+http://, git+file:// repositories are supported");
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

  private static Source parseGit(String entry, String rename, URI uri, String scheme) {
    String inner = scheme.substring(4);
    if (!inner.equals("https") && !inner.equals("http") && !inner.equals("file")) {
      throw new GuildException("invalid source '" + entry + "': a Git source is git+https://,"
          + " git+http:// or git+file://");
    }
    String fragment = uri.getFragment() == null ? "" : uri.getFragment();
    boolean commit = fragment.startsWith("commit=")
        && fragment.substring(7).matches("[0-9a-fA-F]{40}");
    boolean tag = fragment.startsWith("tag=") && fragment.length() > 4
        && fragment.substring(4).matches("[A-Za-z0-9._/+-]+") && !fragment.contains("..");
    if (!commit && !tag) {
      throw new GuildException("invalid source '" + entry + "': a Git source must be pinned with"
          + " #commit=SHA (40 hex digits) or #tag=TAG, so that every build gets the same files");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String last = path.substring(path.lastIndexOf('/') + 1);
    if (last.endsWith(".git")) {
      last = last.substring(0, last.length() - 4);
    }
    String name = rename != null ? rename : last;
    if (!isPlainFileName(name)) {
      throw new GuildException("invalid source '" + entry + "': the URL ends in no repository"
          + " name; write NAME::" + entry);
    }
    return new Source(entry, name, Optional.of(uri), Optional.empty());
  }

  /** True for a source that is downloaded over HTTP(S) (and so kept in the source cache). */
  public boolean isDownload() {
    return url.map(u -> !u.getScheme().equalsIgnoreCase("file") && !isGit()).orElse(false);
  }

  /** True for a Git repository ({@code git+URL#commit=SHA} or {@code #tag=TAG}). */
  public boolean isGit() {
    return url.map(u -> u.getScheme().toLowerCase(Locale.ROOT).startsWith("git+")).orElse(false);
  }

  /** The repository URL git clones, without {@code git+} and the fragment (Git sources only). */
  public Optional<String> gitUrl() {
    if (!isGit()) {
      return Optional.empty();
    }
    String s = url.get().toString().substring(4);
    int hash = s.indexOf('#');
    return Optional.of(hash < 0 ? s : s.substring(0, hash));
  }

  /** The pinned commit, lowercase, of a {@code #commit=SHA} Git source. */
  public Optional<String> gitCommit() {
    return gitFragment("commit=").map(c -> c.toLowerCase(Locale.ROOT));
  }

  /** The tag of a {@code #tag=TAG} Git source. */
  public Optional<String> gitTag() {
    return gitFragment("tag=");
  }

  private Optional<String> gitFragment(String key) {
    if (!isGit()) {
      return Optional.empty();
    }
    String f = url.get().getFragment();
    return f != null && f.startsWith(key) ? Optional.of(f.substring(key.length()))
        : Optional.empty();
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
