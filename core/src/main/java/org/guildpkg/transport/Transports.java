package org.guildpkg.transport;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.guildpkg.GuildException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows which URL schemes a mirror may have: the built-in {@code file} and
 * {@code http(s)} transports plus every {@link TransportFactory} on the class path.
 *
 * <pre>{@code
 * Transport t = Transports.of(URI.create("s3://bucket/guild/"), TransportContext.of(false));
 * }</pre>
 */
public final class Transports {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
  private static volatile List<TransportFactory> factories;

  private Transports() {}

  /**
   * The transport for a mirror URL, made by the factory of highest priority for its scheme.
   *
   * @throws GuildException naming the supported schemes when none serves this URL's
   */
  public static Transport of(URI mirror, TransportContext context) {
    return factory(scheme(mirror))
        .orElseThrow(() -> unsupported(mirror))
        .newTransport(Transport.withSlash(mirror), context);
  }

  /** True when some transport serves this URL's scheme. */
  public static boolean supports(URI mirror) {
    return factory(scheme(mirror)).isPresent();
  }

  /** Every scheme served, sorted, such as {@code [file, http, https]}. */
  public static Set<String> schemes() {
    Set<String> out = new TreeSet<>();
    factories().forEach(f -> out.addAll(f.schemes()));
    return out;
  }

  /** The error for a URL no transport serves, listing the schemes that are served. */
  public static GuildException unsupported(Object url) {
    return new GuildException("unsupported mirror URL " + url + ": use " + schemeList()
        + " (other schemes need their module on the class path, such as guild-s3 for s3://)");
  }

  /** The served schemes as a reader wants them in a message: {@code file://, http:// or https://}. */
  public static String schemeList() {
    List<String> s = schemes().stream().map(x -> x + "://").toList();
    return s.size() == 1 ? s.get(0)
        : String.join(", ", s.subList(0, s.size() - 1)) + " or " + s.get(s.size() - 1);
  }

  private static String scheme(URI mirror) {
    return mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
  }

  private static java.util.Optional<TransportFactory> factory(String scheme) {
    return factories().stream().filter(f -> f.schemes().contains(scheme)).findFirst();
  }

  /** The built-in factories and those ServiceLoader finds, highest priority first. */
  private static List<TransportFactory> factories() {
    List<TransportFactory> f = factories;
    if (f == null) {
      List<TransportFactory> all = new ArrayList<>(List.of(new FileFactory(), new HttpFactory()));
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      try {
        for (TransportFactory found : ServiceLoader.load(TransportFactory.class,
            loader != null ? loader : Transports.class.getClassLoader())) {
          LOG.debug("transport factory {} for {}", found.getClass().getName(), found.schemes());
          all.add(found);
        }
      } catch (ServiceConfigurationError e) {
        throw new GuildException("a mirror transport module on the class path is broken: " + e.getMessage(), e);
      }
      // Stable sort: among equal priorities the built-in factories come first.
      all.sort(Comparator.comparingDouble((TransportFactory x) -> x.priority()).reversed());
      factories = f = List.copyOf(all);
    }
    return f;
  }

  /** {@code file://}: a folder on this machine. */
  private static final class FileFactory implements TransportFactory {
    @Override
    public Set<String> schemes() {
      return Set.of("file");
    }

    @Override
    public Transport newTransport(URI mirror, TransportContext context) {
      if (mirror.getAuthority() != null && !mirror.getAuthority().isEmpty()) {
        throw new GuildException("unsupported mirror URL " + mirror
            + ": a file:// URL names a folder on this machine (file:///path), not a host");
      }
      return new FileTransport(Path.of(mirror));
    }
  }

  /** {@code http://} and {@code https://}: a web server, {@code PUT} (WebDAV) to publish. */
  private static final class HttpFactory implements TransportFactory {
    @Override
    public Set<String> schemes() {
      return Set.of("http", "https");
    }

    @Override
    public Transport newTransport(URI mirror, TransportContext context) {
      return new HttpTransport(mirror, context, StreamingBody.configuredIdleTimeout());
    }
  }
}
