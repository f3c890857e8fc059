package org.guildpkg.transport;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.guildpkg.GuildException;

/**
 * How files move to and from a mirror: a {@code file://} folder, an {@code http(s)://} server, or
 * whatever a {@link TransportFactory} on the class path adds (such as {@code s3://}).
 *
 * <p>A transport knows nothing of indexes or packages; it reads, resumes and writes files named by
 * paths relative to the mirror's root ({@code index.json},
 * {@code packages/NAME/NAME-VERSION.pkg.tar.zst}). What to fetch is the resolver's business and
 * where it goes is the store's, as in Maven Resolver. Beyond reading and writing, a transport
 * tells what else it can do through {@link #capabilities()}: the publisher uses a mirror lock or
 * conditional writes when it has them, so that concurrent publishers keep each other's entries.
 *
 * <pre>{@code
 * Transport t = Transport.of(URI.create("https://mirror.example.org/guild/"), false);
 * Optional<byte[]> index = t.get("index.json", MirrorIndex.maxBytes());
 * }</pre>
 */
public interface Transport {

  /** What a transport can do beyond reading and writing files. */
  enum Capability {
    /** {@link #lock()}: one publisher at a time holds the mirror. */
    LOCK,
    /**
     * {@link #getVersioned(String, long)} and {@link #putIf(String, byte[], Optional)}: a write that
     * succeeds only when the file is still the version that was read (HTTP's If-Match and
     * If-None-Match).
     */
    CONDITIONAL_WRITES
  }

  /**
   * The transport for a mirror URL given on the command line; see {@link Transports#of}.
   *
   * @param offline when true, a network transport refuses every request (no network call at all)
   * @throws GuildException for a scheme no transport serves
   */
  static Transport of(URI mirror, boolean offline) {
    return Transports.of(mirror, TransportContext.of(offline));
  }

  /** The mirror's root URL, ending with {@code /}. */
  URI base();

  /** The URL of a file of the mirror; {@code +} in a path is percent-encoded. */
  default URI resolve(String relPath) {
    return base().resolve(encode(relPath));
  }

  /**
   * Reads a whole small file (an index, a signature), streaming it and refusing one longer than
   * {@code maxBytes} before it is all in memory.
   *
   * @return empty when the mirror has no such file
   * @throws TransportException when the mirror cannot be reached, answers with an error, stalls,
   *     or the file is longer than {@code maxBytes} (not transient)
   */
  Optional<byte[]> get(String relPath, long maxBytes);

  /**
   * Reads a whole small file as {@link #get(String, long)} does, unless it is still the version
   * {@code known} describes (the validators of an earlier read): over HTTP a conditional GET
   * ({@code If-None-Match}, {@code If-Modified-Since}) that a server answers {@code 304 Not
   * Modified} without the body. The default asks unconditionally and returns no validators, so
   * a caller never gets {@link Refreshed.Unchanged} from a transport that cannot tell.
   *
   * @param known the validators of the copy the caller has; {@link Validators#NONE} for none
   * @throws TransportException as {@link #get(String, long)}
   */
  default Refreshed getIfChanged(String relPath, long maxBytes, Validators known) {
    return get(relPath, maxBytes).<Refreshed>map(b -> new Refreshed.Changed(b, Validators.NONE))
        .orElseGet(Refreshed.Missing::new);
  }

  /**
   * What tells one version of a mirror file from another without its content: an HTTP entity tag
   * and last-modified date (either may be absent), sent back on the next conditional read.
   *
   * @param etag the {@code ETag} as the server sent it, quotes included
   * @param lastModified the {@code Last-Modified} date as the server sent it
   */
  record Validators(Optional<String> etag, Optional<String> lastModified) {
    /** No validators: the next read is unconditional. */
    public static final Validators NONE = new Validators(Optional.empty(), Optional.empty());

    /** True when there is nothing to send. */
    public boolean isEmpty() {
      return etag.isEmpty() && lastModified.isEmpty();
    }
  }

  /** The answer to {@link #getIfChanged}: new content, still the known version, or no such file. */
  sealed interface Refreshed {
    /**
     * The file's content, changed since the known version (or read unconditionally).
     *
     * @param content the bytes
     * @param validators what to send next time; {@link Validators#NONE} when the server gave none
     */
    record Changed(byte[] content, Validators validators) implements Refreshed {}

    /** The file is still the known version (HTTP 304): keep the copy. */
    record Unchanged() implements Refreshed {}

    /** The mirror has no such file. */
    record Missing() implements Refreshed {}
  }

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

  /** What this transport can do beyond reading and writing; none by default. */
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /**
   * The file of this machine that holds a mirror file, when the mirror is a local folder, so that
   * it can be read in place instead of copied; empty for remote mirrors.
   */
  default Optional<Path> localFile(String relPath) {
    return Optional.empty();
  }

  /**
   * Takes the mirror's publishing lock, waiting for another holder to let go; only with
   * {@link Capability#LOCK}.
   *
   * @return the held lock; closing it lets go
   * @throws UnsupportedOperationException without {@link Capability#LOCK}
   */
  default MirrorLock lock() {
    throw new UnsupportedOperationException(base() + " has no publishing lock");
  }

  /**
   * Reads a small file with its version tag (an HTTP ETag), refusing one longer than
   * {@code maxBytes} as {@link #get(String, long)} does; only with
   * {@link Capability#CONDITIONAL_WRITES}.
   *
   * @return empty when the mirror has no such file
   * @throws UnsupportedOperationException without {@link Capability#CONDITIONAL_WRITES}
   */
  default Optional<Versioned> getVersioned(String relPath, long maxBytes) {
    throw new UnsupportedOperationException(base() + " has no conditional writes");
  }

  /**
   * Writes small content only when the file is still at version {@code expected} (If-Match), or
   * when {@code expected} is empty, only when there is no such file yet (If-None-Match: *); only
   * with {@link Capability#CONDITIONAL_WRITES}.
   *
   * @return false, writing nothing, when the file was changed by someone else meanwhile
   * @throws UnsupportedOperationException without {@link Capability#CONDITIONAL_WRITES}
   */
  default boolean putIf(String relPath, byte[] content, Optional<String> expected) {
    throw new UnsupportedOperationException(base() + " has no conditional writes");
  }

  /**
   * A file's content with the tag of that version.
   *
   * @param content the bytes
   * @param tag an opaque version tag (an ETag) for {@link #putIf(String, byte[], Optional)}
   */
  record Versioned(byte[] content, String tag) {}

  /** A held publishing lock of a mirror; {@link #close()} lets go. */
  interface MirrorLock extends AutoCloseable {
    /** Lets go of the lock. */
    @Override
    void close();
  }

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
