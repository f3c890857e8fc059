package org.guildpkg.mirror;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.guildpkg.GuildException;
import org.guildpkg.transport.Credentials;

/**
 * Finds a mirror's HTTP credentials, first match wins:
 *
 * <ol>
 *   <li>environment variables {@code GUILD_MIRROR_<NAME>_TOKEN}, or {@code GUILD_MIRROR_<NAME>_USER}
 *       and {@code GUILD_MIRROR_<NAME>_PASSWORD} ({@code NAME} upper-cased, {@code -} as {@code _});
 *   <li>{@code token = ...}, or {@code user = ...} and {@code password = ...}, in the mirror's
 *       section of {@code $GUILD_HOME/config}, which must then be readable by its owner only
 *       (mode 0600);
 *   <li>a {@code machine HOST login USER password PASS} entry (or {@code default}) of
 *       {@code ~/.netrc} (or the file {@code NETRC} names).
 * </ol>
 *
 * <p>No secret is ever put into a message: {@link Credentials#source()} names only where it came
 * from.
 */
final class MirrorCredentials {
  private MirrorCredentials() {}

  /** The environment-variable prefix of a mirror, such as {@code GUILD_MIRROR_MY_WEB_}. */
  static String envPrefix(String mirror) {
    return "GUILD_MIRROR_" + mirror.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
  }

  /** What a user can set to give {@code mirror} credentials, for the message of a refusal. */
  static String help(String mirror, Path configFile, String host) {
    String p = envPrefix(mirror);
    return "set " + p + "TOKEN (or " + p + "USER and " + p + "PASSWORD), put token = ... (or user"
        + " and password) in [mirror." + mirror + "] of " + configFile + " (chmod 600), or add 'machine "
        + host + "' to ~/.netrc";
  }

  /**
   * The credentials of a mirror from the environment, its config section, or {@code .netrc}.
   *
   * @param section the mirror's keys in the config file ({@code token}, {@code user},
   *     {@code password}), already checked for the file's mode
   */
  static Optional<Credentials> find(String mirror, String host, Map<String, String> env,
      Map<String, String> section, String sectionWhere, Path netrc) {
    String p = envPrefix(mirror);
    Optional<Credentials> c = from(env.get(p + "TOKEN"), env.get(p + "USER"), env.get(p + "PASSWORD"),
        "environment variable " + p + "TOKEN", "environment variables " + p + "USER and " + p + "PASSWORD");
    if (c.isPresent()) {
      return c;
    }
    c = from(section.get("token"), section.get("user"), section.get("password"),
        sectionWhere + " token", sectionWhere + " user and password");
    if (c.isPresent()) {
      return c;
    }
    return host == null ? Optional.empty() : netrc(netrc, host);
  }

  private static Optional<Credentials> from(String token, String user, String password,
      String tokenSource, String userSource) {
    if (token != null && !token.isBlank()) {
      return Optional.of(Credentials.bearer(token.strip(), tokenSource));
    }
    if (user != null && !user.isBlank()) {
      if (password == null) {
        throw new GuildException(userSource + ": a user is set but no password");
      }
      return Optional.of(Credentials.basic(user.strip(), password, userSource));
    }
    return Optional.empty();
  }

  /** The default {@code .netrc}: the file {@code NETRC} names, else {@code ~/.netrc}. */
  static Path defaultNetrc(Map<String, String> env) {
    String named = env.get("NETRC");
    return named != null && !named.isBlank() ? Path.of(named)
        : Path.of(System.getProperty("user.home"), ".netrc");
  }

  /** The {@code machine HOST} (else {@code default}) entry of a {@code .netrc} file, if any. */
  static Optional<Credentials> netrc(Path file, String host) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    List<String> tokens;
    try {
      tokens = List.of(Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+"));
    } catch (IOException e) {
      throw new GuildException("cannot read " + file + ": " + GuildException.reason(e), e);
    }
    String login = null;
    String password = null;
    boolean inMatch = false;
    boolean found = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      switch (t) {
        case "machine" -> {
          if (found) {
            return done(login, password, file, host);
          }
          inMatch = host.equalsIgnoreCase(next);
          found = inMatch;
          i++;
        }
        case "default" -> {
          if (found) {
            return done(login, password, file, host);
          }
          inMatch = true;
          found = true;
        }
        case "login" -> {
          if (inMatch) {
            login = next;
          }
          i++;
        }
        case "password" -> {
          if (inMatch) {
            password = next;
          }
          i++;
        }
        case "account" -> i++;
        case "macdef" -> {
          return found ? done(login, password, file, host) : Optional.empty();
        }
        default -> {
          // an unknown token: skipped, as other .netrc readers do
        }
      }
    }
    return found ? done(login, password, file, host) : Optional.empty();
  }

  private static Optional<Credentials> done(String login, String password, Path file, String host) {
    if (login == null || password == null) {
      return Optional.empty();
    }
    return Optional.of(Credentials.basic(login, password, file + " (machine " + host + ")"));
  }
}
