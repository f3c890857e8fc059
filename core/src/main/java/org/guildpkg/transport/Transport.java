package org.guildpkg.transport;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.guildpkg.GuildException;

/**
 * How files move to and from a mirror: a {@code file://} folder or an {@code http(s)://} server.
 *
 * <p>A transport knows nothing of indexes or packages; it reads, resumes and writes files named by
 * paths relative to the mirror's root ({@code index.json},
 * {@code packages/NAME/NAME-VERSION.pkg.tar.zst}). What to fetch is the resolver's business and
 * where it goes is the store's, as in Maven Resolver.
 *
 * <pre>{@code
 * Transport t = Transport.of(URI.create("https://mirror.example.org/guild/"), false);
 * Optional<byte[]> index = t.get("index.json");
 * }</pre>
 */
public sealed interface Transport permits FileTransport, HttpTransport {

  /**
   * The transport for a mirror URL.
   *
   * @param offline when true, an HTTP transport refuses every request (no network call at all)
   * @throws GuildException for a scheme other than {@code file}, {@code http} and {@code https}
   */
  static Transport of(URI mirror, boolean offline) {
    String scheme = mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> new FileTransport(Path.of(mirror));
      case "http", "https" -> new HttpTransport(mirror, offline);
      default -> throw new GuildException(
          "unsupported mirror URL " + mirror + ": use file://, http:// or https://");
    };
  }

  /** The mirror's root URL, ending with {@code /}. */
  URI base();

  /** The URL of a file of the mirror; {@code +} in a path is percent-encoded. */
  default URI resolve(String relPath) {
    return base().resolve(encode(relPath));
  }

  /**
   * Reads a whole small file (an index, a signature).
   *
   * @return empty when the mirror has no such file
   * @throws TransportException when the mirror cannot be reached or answers with an error
   */
  Optional<byte[]> get(String relPath);

  /**
   * Appends the bytes of {@code relPath} from {@code offset} on to {@code partial}, asking an HTTP
   * server for a range when {@code offset > 0}. A server that ignores the range makes the
   * transport truncate {@code partial} and write from the start.
   *
   * @return the number of bytes {@code partial} holds afterwards
   * @throws TransportException when the transfer fails or ends early; {@code partial} keeps what
   *     arrived, for a later resume
   */
  long fetch(String relPath, Path partial, long offset, ProgressListener progress);

  /**
   * Writes a file to the mirror (a copy then a rename on a folder, {@code PUT} over HTTP), so
   * that a reader never sees half a file.
   */
  void put(String relPath, Path source);

  /** Writes small content to the mirror, like {@link #put(String, Path)}. */
  void put(String relPath, byte[] content);

  /** Percent-encodes the characters of a relative mirror path that URLs treat specially. */
  static String encode(String relPath) {
    return relPath.replace("%", "%25").replace("+", "%2B").replace(" ", "%20");
  }

  /** Normalises a mirror URL so that relative paths resolve below it. */
  static URI withSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? uri : URI.create(s + "/");
  }
}
