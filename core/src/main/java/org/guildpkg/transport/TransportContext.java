package org.guildpkg.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TransportFactory} is told besides the URL: which mirror it is for (to name it in
 * messages) and whether any network call is allowed.
 *
 * @param mirror the configured mirror's name, or empty for a URL given on the command line
 * @param offline when true, a transport that needs the network refuses every request
 */
public record TransportContext(Optional<String> mirror, boolean offline) {

  /** Checks that no part is null. */
  public TransportContext {
    Objects.requireNonNull(mirror, "mirror");
  }

  /** A context for a URL given on the command line (no mirror name). */
  public static TransportContext of(boolean offline) {
    return new TransportContext(Optional.empty(), offline);
  }

  /** How messages name the mirror: {@code mirror 'NAME'}, or the URL when there is no name. */
  public String describe(Object url) {
    return mirror.map(n -> "mirror '" + n + "'").orElse("mirror " + url);
  }
}
