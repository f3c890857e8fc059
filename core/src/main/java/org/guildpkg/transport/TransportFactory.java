package org.guildpkg.transport;

import java.net.URI;
import java.util.Set;

/**
 * Makes the {@link Transport} for mirror URLs of some schemes: the growth point through which a
 * module adds a kind of mirror (an object store, say) without any change to core.
 *
 * <p>Factories are found with {@link java.util.ServiceLoader}: a module lists its factory's class
 * name in {@code META-INF/services/org.guildpkg.transport.TransportFactory}. Core builds in
 * {@code file} and {@code http(s)}. When several factories claim a scheme, the one with the
 * highest {@link #priority()} wins, as with Maven Resolver's {@code TransporterFactory}; a
 * factory may refuse a URL it cannot serve by throwing a {@link org.guildpkg.GuildException}.
 *
 * <pre>{@code
 * public final class S3TransportFactory implements TransportFactory {
 *   public Set<String> schemes() { return Set.of("s3"); }
 *   public Transport newTransport(URI mirror, TransportContext context) { return new S3Transport(mirror); }
 * }
 * }</pre>
 */
public interface TransportFactory {

  /** The URL schemes this factory serves, in lower case (such as {@code "s3"}). */
  Set<String> schemes();

  /** Which factory wins when several serve a scheme: the highest; the built-in ones have 0. */
  default float priority() {
    return 0;
  }

  /**
   * A transport for the mirror whose root is {@code mirror} (ending with {@code /}).
   *
   * @param context the mirror's name, whether network calls are allowed, and its credentials
   */
  Transport newTransport(URI mirror, TransportContext context);
}
