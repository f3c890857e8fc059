package org.guildpkg.mirror;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.store.HomeLayout;
import org.guildpkg.transport.AtomicFiles;
import org.guildpkg.transport.Transport;
import org.guildpkg.transport.AuthenticationException;
import org.guildpkg.transport.TooLargeException;
import org.guildpkg.transport.TransportException;
import org.guildpkg.transport.Transports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the configured mirrors: fetches each mirror's index, checks its signature
 * and serial when the mirror has a key, and keeps a copy in {@code $GUILD_HOME/cache/indexes/}.
 *
 * <p>Offline ({@code --offline}, {@code GUILD_OFFLINE=1}) only the cached copies are read. A
 * mirror that cannot be reached is skipped with a warning (its cached copy is used when there is
 * one); a mirror whose index fails its signature or goes back in serial is an error, since that
 * is what an attack looks like. The highest serial seen per mirror URL is remembered in
 * {@code $GUILD_HOME/mirror-serials}, outside the cache, so that clearing the cache does not
 * reopen the door to a rollback.
 *
 * <pre>{@code
 * Mirrors mirrors = new Mirrors(home, offline, warning -> log.warn(warning));
 * List<LoadedIndex> indexes = mirrors.indexes();
 * }</pre>
 */
public final class Mirrors {
  private static final Logger LOG = LoggerFactory.getLogger(Mirrors.class);
  /**
   * The file in {@code $GUILD_HOME} that remembers the highest serial seen per mirror URL.
   *
   * @deprecated use {@link HomeLayout#serials()}, which spells the home's layout
   */
  @Deprecated
  public static final String SERIALS_FILE = "mirror-serials";

  private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

  private final HomeLayout layout;
  private final Path home;
  private final boolean offline;
  private final Consumer<String> warnings;
  private final List<MirrorSpec> configured;
  private List<LoadedIndex> loaded;

  /**
   * A client for the mirrors configured in {@code home/config}.
   *
   * @param warnings hears warnings (an unsigned mirror, an unreachable one); the CLI prints them
   */
  public Mirrors(Path home, boolean offline, Consumer<String> warnings) {
    this(HomeLayout.of(home), offline, warnings);
  }

  /** A client for the mirrors configured in the home {@code layout}; see above. */
  public Mirrors(HomeLayout layout, boolean offline, Consumer<String> warnings) {
    this(layout, offline, warnings, MirrorConfig.load(layout).mirrors());
  }

  /** A client for the given mirrors, with caches and serials in {@code home}. */
  public Mirrors(Path home, boolean offline, Consumer<String> warnings, List<MirrorSpec> mirrors) {
    this(HomeLayout.of(home), offline, warnings, mirrors);
  }

  /** A client for the given mirrors, with caches and serials in the home {@code layout}. */
  public Mirrors(HomeLayout layout, boolean offline, Consumer<String> warnings,
      List<MirrorSpec> mirrors) {
    this.layout = layout;
    this.home = layout.root();
    this.offline = offline;
    this.warnings = warnings;
    this.configured = List.copyOf(mirrors);
  }

  /** The mirrors, in the order they are asked. */
  public List<MirrorSpec> configured() {
    return configured;
  }

  /** True when no network call may be made. */
  public boolean offline() {
    return offline;
  }

  /** The transport for a mirror (refusing network calls when offline). */
  public Transport transport(MirrorSpec mirror) {
    return Transports.of(mirror.url(), MirrorConfig.load(layout).context(mirror, offline));
  }

  /**
   * The transport to publish to {@code mirror}: the name of a configured mirror (with its
   * credentials), or a URL or folder (with the credentials of a configured mirror of that URL, or
   * of its host in {@code ~/.netrc}).
   */
  public static Transport forPublishing(Path home, String mirror) {
    MirrorConfig config = MirrorConfig.load(home);
    if (mirror != null && mirror.matches("[A-Za-z0-9_-]+")) {
      Optional<MirrorSpec> named = config.mirror(mirror);
      if (named.isPresent()) {
        return Transports.of(named.get().url(), config.context(named.get(), false));
      }
    }
    java.net.URI url = MirrorSpec.parseUrl(mirror);
    return Transports.of(url, config.context(url, false));
  }

  /**
   * The indexes of every usable mirror, in configuration order; fetched once per instance.
   *
   * @throws GuildException when no mirror is configured, when none can serve, or when an index
   *     fails its signature or serial check
   */
  public synchronized List<LoadedIndex> indexes() {
    if (loaded != null) {
      return loaded;
    }
    if (configured.isEmpty()) {
      throw new GuildException(
          "no mirrors configured in " + layout.config()
              + "; add one with 'guild mirror add NAME URL'");
    }
    List<LoadedIndex> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (MirrorSpec m : configured) {
      if (m.key().isEmpty()) {
        warnings.accept("mirror '" + m.name() + "' has no public key: its index is not verified"
            + " (fine for local use; add it with --key for anything else)");
      }
      load(m, problems).ifPresent(out::add);
    }
    if (out.isEmpty()) {
      throw noneUsable(problems);
    }
    problems.forEach(warnings);
    loaded = List.copyOf(out);
    return loaded;
  }

  /**
   * What {@code guild search} needs of every usable mirror: the newest version of each package,
   * with the same checks, warnings and errors as {@link #indexes()}. Offline, a mirror's cached
   * index is read and its signature checked on the raw bytes, but it is parsed only when its
   * {@link SearchDigest} is missing or stale (the digest is then written for next time).
   */
  public synchronized List<Search.MirrorRows> searchRows() {
    if (loaded != null || !offline) {
      return indexes().stream()
          .map(li -> new Search.MirrorRows(li.mirror(), SearchDigest.rows(li.index()))).toList();
    }
    if (configured.isEmpty()) {
      indexes(); // throws the error for no mirrors
    }
    List<Search.MirrorRows> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (MirrorSpec m : configured) {
      if (m.key().isEmpty()) {
        warnings.accept("mirror '" + m.name() + "' has no public key: its index is not verified"
            + " (fine for local use; add it with --key for anything else)");
      }
      readCached(m, problems).ifPresent(bytes -> out.add(new Search.MirrorRows(m, digestRows(m, bytes))));
    }
    if (out.isEmpty()) {
      throw noneUsable(problems);
    }
    problems.forEach(warnings);
    return out;
  }

  private List<SearchDigest.Row> digestRows(MirrorSpec m, byte[] indexBytes) {
    Path digest = digestFile(m);
    if (Files.exists(digest)) {
      try {
        Optional<List<SearchDigest.Row>> rows = SearchDigest.decode(Files.readAllBytes(digest), indexBytes);
        if (rows.isPresent()) {
          return rows.get();
        }
      } catch (IOException e) {
        LOG.debug("cannot read {}: {}", digest, e.toString());
      }
    }
    MirrorIndex index = parse(indexBytes, cacheFile(m).toString());
    writeDigest(m, index, indexBytes);
    return SearchDigest.rows(index);
  }

  /** Writes the search digest beside a cached index; a failure only costs the next search time. */
  private void writeDigest(MirrorSpec m, MirrorIndex index, byte[] indexBytes) {
    try {
      AtomicFiles.write(digestFile(m), SearchDigest.encode(SearchDigest.rows(index), indexBytes));
    } catch (RuntimeException e) {
      LOG.debug("cannot write the search digest of mirror '{}': {}", m.name(), e.toString());
    }
  }

  private GuildException noneUsable(List<String> problems) {
    return new GuildException(
        (offline ? "offline and no cached index for any mirror: " : "no mirror could be reached: ")
            + String.join("; ", problems)
            + (offline ? "; run once without --offline to fetch the indexes" : ""));
  }

  /**
   * Asks {@code mirror} (configured or not) for its index now, without the cache and without
   * writing anything: the index must be there, within its size limit, and (when the mirror has a
   * key) match its signature. For {@code guild mirror add}, to refuse a mirror that does not
   * answer.
   *
   * @return the mirror's index
   * @throws GuildException one line saying what failed: unreachable, refused credentials, no
   *     index, a bad signature or an invalid index
   */
  public MirrorIndex check(MirrorSpec mirror) {
    Transport t = transport(mirror);
    String url = t.resolve(MirrorIndex.FILE).toString();
    Optional<byte[]> bytes = getLimited(mirror, t, MirrorIndex.FILE, MirrorIndex.maxBytes(), "GUILD_MAX_INDEX_BYTES");
    if (bytes.isEmpty()) {
      throw new GuildException("mirror '" + mirror.name() + "' has no " + MirrorIndex.FILE + " at " + url
          + " (a wrong URL, or nothing published there yet)");
    }
    if (mirror.key().isPresent()) {
      Optional<byte[]> sig = getLimited(mirror, t, MirrorIndex.SIGNATURE_FILE, MirrorIndex.MAX_SIGNATURE_BYTES, null);
      if (sig.isEmpty()) {
        throw new GuildException("mirror '" + mirror.name() + "' has no " + MirrorIndex.SIGNATURE_FILE + " at "
            + t.resolve(MirrorIndex.SIGNATURE_FILE) + " although a key was given: its index is not signed");
      }
      if (!SigningKeys.verify(mirror.key().get(), bytes.get(), sig.get())) {
        throw new GuildException("the signature of " + url + " does not match the key given for mirror '"
            + mirror.name() + "' (another key signed it, or the index was changed)");
      }
    }
    return MirrorIndex.parse(bytes.get(), url);
  }

  /** The first mirror (in order) that has any version of {@code name}, with its index. */
  public Optional<LoadedIndex> firstHaving(PackageName name) {
    return indexes().stream().filter(i -> !i.index().versions(name).isEmpty()).findFirst();
  }

  private Optional<LoadedIndex> load(MirrorSpec m, List<String> problems) {
    Path cache = cacheFile(m);
    if (!offline) {
      Transport t = transport(m);
      try {
        Optional<LoadedIndex> fresh = fetch(m, t);
        if (fresh.isPresent()) {
          return fresh;
        }
        problems.add("mirror '" + m.name() + "' has no " + MirrorIndex.FILE + " at " + t.resolve(MirrorIndex.FILE));
        return Optional.empty();
      } catch (AuthenticationException e) {
        throw e; // not an outage: the user must act, and a stale cache would hide it
      } catch (TransportException e) {
        if (Files.exists(cache)) {
          warnings.accept("mirror '" + m.name() + "' is unreachable (" + e.getMessage()
              + "); using its cached index");
        } else {
          problems.add("mirror '" + m.name() + "' is unreachable (" + e.getMessage() + ")");
          return Optional.empty();
        }
      }
    }
    return readCached(m, problems).map(bytes -> new LoadedIndex(m, parse(bytes, cache.toString()), true));
  }

  /** The bytes of a mirror's cached index, its signature checked when the mirror has a key. */
  private Optional<byte[]> readCached(MirrorSpec m, List<String> problems) {
    Path cache = cacheFile(m);
    Path cacheSig = cache.resolveSibling(cache.getFileName() + ".sig");
    if (!Files.exists(cache)) {
      problems.add("mirror '" + m.name() + "' has no cached index (" + cache + ")");
      return Optional.empty();
    }
    try {
      byte[] bytes = Files.readAllBytes(cache);
      if (m.key().isPresent()) {
        byte[] sig = Files.exists(cacheSig) ? Files.readAllBytes(cacheSig) : new byte[0];
        if (!SigningKeys.verify(m.key().get(), bytes, sig)) {
          throw new GuildException("cached index " + cache + " of mirror '" + m.name()
              + "' does not match its signature; delete it and run without --offline");
        }
      }
      return Optional.of(bytes);
    } catch (IOException e) {
      throw new GuildException("cannot read " + cache + ": " + GuildException.reason(e), e);
    }
  }

  private Optional<LoadedIndex> fetch(MirrorSpec m, Transport t) {
    String url = t.resolve(MirrorIndex.FILE).toString();
    byte[] bytes = null;
    byte[] sig = null;
    Transport.Validators validators = Transport.Validators.NONE;
    Optional<Transport.Refreshed.Changed> first = Optional.empty();
    Transport.Validators known = knownValidators(m, url);
    if (!known.isEmpty()) {
      // A conditional request: an unchanged index costs one small answer (304), no signature read.
      Transport.Refreshed r = getLimited(m, t, MirrorIndex.FILE, MirrorIndex.maxBytes(), "GUILD_MAX_INDEX_BYTES", known);
      if (r instanceof Transport.Refreshed.Missing) {
        return Optional.empty();
      }
      if (r instanceof Transport.Refreshed.Changed c) {
        first = Optional.of(c);
      } else {
        Optional<LoadedIndex> kept = unchanged(m, url);
        if (kept.isPresent()) {
          return kept;
        }
        // The cached copy does not pass its checks (any more): read the index whole.
      }
    }
    // Two tries: a publisher may replace the index between our reads of index and signature.
    for (int attempt = 1; attempt <= 2; attempt++) {
      Transport.Refreshed r = attempt == 1 && first.isPresent() ? first.get()
          : getLimited(m, t, MirrorIndex.FILE, MirrorIndex.maxBytes(), "GUILD_MAX_INDEX_BYTES",
              Transport.Validators.NONE);
      if (!(r instanceof Transport.Refreshed.Changed c)) {
        return Optional.empty();
      }
      bytes = c.content();
      validators = c.validators();
      if (m.key().isEmpty()) {
        break;
      }
      Optional<byte[]> s = getLimited(m, t, MirrorIndex.SIGNATURE_FILE, MirrorIndex.MAX_SIGNATURE_BYTES, null);
      if (s.isEmpty()) {
        throw new GuildException("mirror '" + m.name() + "' has a key but " + t.resolve(MirrorIndex.SIGNATURE_FILE)
            + " is missing: the index cannot be trusted; ask the mirror's owner to publish with --key");
      }
      sig = s.get();
      if (SigningKeys.verify(m.key().get(), bytes, sig)) {
        break;
      }
      if (attempt == 2) {
        throw new GuildException("the signature of " + url + " does not match the key of mirror '"
            + m.name() + "': the index was tampered with or signed with another key; nothing was changed");
      }
    }
    MirrorIndex index = parse(bytes, url);
    if (m.key().isPresent()) {
      long seen = seenSerial(m);
      if (index.serial() < seen) {
        throw new GuildException("mirror '" + m.name() + "' offers index serial " + index.serial()
            + " at " + url + " but serial " + seen + " was seen before: a rolled-back (stale or"
            + " replayed) index is refused; nothing was changed");
      }
    }
    Path cache = cacheFile(m);
    // Validators go last and are removed first, so they never describe another index than the cached one.
    deleteQuietly(validatorsFile(m));
    if (!sameContent(cache, bytes) || !Files.exists(digestFile(m))) {
      AtomicFiles.write(cache, bytes);
      writeDigest(m, index, bytes);
    }
    Path cacheSig = cache.resolveSibling(cache.getFileName() + ".sig");
    if (sig != null) {
      AtomicFiles.write(cacheSig, sig);
    } else {
      try {
        Files.deleteIfExists(cacheSig);
      } catch (IOException e) {
        LOG.debug("cannot delete {}", cacheSig, e);
      }
    }
    if (m.key().isPresent()) {
      rememberSerial(m, index.serial());
    }
    writeValidators(m, url, validators);
    LOG.debug("fetched {} (serial {}, {} packages)", url, index.serial(), index.packages().size());
    return Optional.of(new LoadedIndex(m, index, false));
  }

  /**
   * The index a mirror answered "not modified" for: the cached copy, when it is there and (for a
   * mirror with a key) still matches its cached signature; else empty.
   */
  private Optional<LoadedIndex> unchanged(MirrorSpec m, String url) {
    Path cache = cacheFile(m);
    try {
      byte[] bytes = Files.readAllBytes(cache);
      if (m.key().isPresent()) {
        Path cacheSig = cache.resolveSibling(cache.getFileName() + ".sig");
        if (!Files.exists(cacheSig) || !SigningKeys.verify(m.key().get(), bytes, Files.readAllBytes(cacheSig))) {
          LOG.debug("cached index of mirror '{}' fails its signature; fetching it whole", m.name());
          return Optional.empty();
        }
      }
      MirrorIndex index = parse(bytes, url);
      if (!Files.exists(digestFile(m))) {
        writeDigest(m, index, bytes);
      }
      LOG.debug("{} not modified (serial {})", url, index.serial());
      return Optional.of(new LoadedIndex(m, index, false));
    } catch (IOException | GuildException e) {
      LOG.debug("cannot use the cached index of mirror '{}': {}", m.name(), e.toString());
      return Optional.empty();
    }
  }

  /** The validators stored with a mirror's cached index, when they were for {@code url}. */
  private Transport.Validators knownValidators(MirrorSpec m, String url) {
    Path f = validatorsFile(m);
    if (!Files.exists(f) || !Files.exists(cacheFile(m))) {
      return Transport.Validators.NONE;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      return Transport.Validators.NONE;
    }
    if (!url.equals(p.getProperty("url"))) {
      return Transport.Validators.NONE; // the mirror's URL changed since
    }
    return new Transport.Validators(Optional.ofNullable(p.getProperty("etag")),
        Optional.ofNullable(p.getProperty("last-modified")));
  }

  private void writeValidators(MirrorSpec m, String url, Transport.Validators v) {
    if (v.isEmpty()) {
      return;
    }
    Properties p = new Properties();
    p.setProperty("url", url);
    v.etag().ifPresent(e -> p.setProperty("etag", e));
    v.lastModified().ifPresent(d -> p.setProperty("last-modified", d));
    try (java.io.StringWriter w = new java.io.StringWriter()) {
      p.store(w, "validators of the cached index, for a conditional refresh");
      AtomicFiles.write(validatorsFile(m), w.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot write the validators of mirror '{}': {}", m.name(), e.toString());
    }
  }

  private Path validatorsFile(MirrorSpec m) {
    return layout.cachedIndexValidators(m.name());
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      LOG.debug("cannot delete {}", f, e);
    }
  }

  /** Reads a mirror file that may be unchanged; one over its cap is an error naming the mirror. */
  private static Transport.Refreshed getLimited(MirrorSpec m, Transport t, String file, long max,
      String setting, Transport.Validators known) {
    try {
      return t.getIfChanged(file, max, known);
    } catch (TooLargeException e) {
      throw tooLarge(m, t, file, max, setting, e);
    }
  }

  private static GuildException tooLarge(MirrorSpec m, Transport t, String file, long max, String setting,
      TooLargeException e) {
    return new GuildException("mirror '" + m.name() + "' offers " + file + " larger than the " + max
        + " bytes allowed (" + t.resolve(file) + ")"
        + (setting == null ? "" : "; if its index is really that large, raise " + setting)
        + "; nothing was changed", e);
  }

  /** Reads a small mirror file; one over its cap is an error naming the mirror, not an outage. */
  private static Optional<byte[]> getLimited(MirrorSpec m, Transport t, String file, long max, String setting) {
    try {
      return t.get(file, max);
    } catch (TooLargeException e) {
      throw tooLarge(m, t, file, max, setting, e);
    }
  }

  /**
   * Parses index bytes, reusing the last parse of the same bytes from the same place: a program
   * that searches or loads packages often (a server) pays for parsing a large index once.
   */
  private static MirrorIndex parse(byte[] bytes, String where) {
    Parsed last = PARSED.get(where);
    if (last != null && Arrays.equals(last.bytes(), bytes)) {
      return last.index();
    }
    MirrorIndex index = MirrorIndex.parse(bytes, where);
    PARSED.put(where, new Parsed(bytes, index));
    return index;
  }

  private record Parsed(byte[] bytes, MirrorIndex index) {}

  /** The cache file of a mirror's index. */
  Path cacheFile(MirrorSpec m) {
    return layout.cachedIndex(m.name());
  }

  private static boolean sameContent(Path file, byte[] bytes) {
    try {
      return Files.isRegularFile(file) && Files.size(file) == bytes.length
          && Arrays.equals(Files.readAllBytes(file), bytes);
    } catch (IOException e) {
      return false;
    }
  }

  /** The search digest beside a mirror's cached index. */
  Path digestFile(MirrorSpec m) {
    return layout.cachedSearchDigest(m.name());
  }

  private synchronized long seenSerial(MirrorSpec m) {
    String v = serials().getProperty(m.url().toString());
    return v == null ? 0 : Long.parseLong(v);
  }

  private synchronized void rememberSerial(MirrorSpec m, long serial) {
    Properties p = serials();
    if (serial > Long.parseLong(p.getProperty(m.url().toString(), "0"))) {
      p.setProperty(m.url().toString(), Long.toString(serial));
      try (java.io.StringWriter w = new java.io.StringWriter()) {
        p.store(w, "highest index serial seen per mirror URL (rollback protection)");
        AtomicFiles.write(layout.serials(), w.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new GuildException("cannot write " + layout.serials() + ": " + GuildException.reason(e), e);
      }
    }
  }

  private Properties serials() {
    Properties p = new Properties();
    Path f = layout.serials();
    if (Files.exists(f)) {
      try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new GuildException("cannot read " + f + ": " + GuildException.reason(e), e);
      }
    }
    return p;
  }

}
