package org.guildpkg.transport;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link TransportFactory} is told besides the URL: which mirror it is for (to name it in
 * messages), whether any network call is allowed, and the mirror's credentials if any.
 *
 * @param mirror the configured mirror's name, or empty for a URL given on the command line
 * @param offline when true, a transport that needs the network refuses every request
 * @param credentials what to authenticate with, for transports that use them (HTTP)
 * @param authHelp what a user can set to give this mirror credentials, for the message of a
 *     refused request (never a secret)
 */
public record TransportContext(Optional<String> mirror, boolean offline, Optional<Credentials> credentials,
    String authHelp) {

  /** Checks that no part is null. */
  public TransportContext {
    Objects.requireNonNull(mirror, "mirror");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(authHelp, "authHelp");
  }

  /** A context for a URL given on the command line (no mirror name, no credentials). */
  public static TransportContext of(boolean offline) {
    return new TransportContext(Optional.empty(), offline, Optional.empty(),
        "add it with 'guild mirror add NAME URL' and give it credentials (see docs/mirrors.md)");
  }

  /** How messages name the mirror: {@code mirror 'NAME'}, or the URL when there is no name. */
  public String describe(Object url) {
    return mirror.map(n -> "mirror '" + n + "'").orElse("mirror " + url);
  }
}
