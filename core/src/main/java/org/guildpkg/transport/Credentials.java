package org.guildpkg.transport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.guildpkg.GuildException;

/**
 * A mirror's credentials for HTTP: a bearer token or a user name and password, sent as the
 * {@code Authorization} header to the mirror's own host only (never to the host of a redirect).
 *
 * <p>Secrets never leave through {@link Object#toString()}: it shows only where the credentials
 * came from ({@link #source()}), so a log line or an exception that names a credential cannot
 * print it.
 */
public sealed interface Credentials {

  /** The value of the {@code Authorization} header. */
  String authorization();

  /**
   * Where the credentials came from, for messages: an environment variable's name, a config
   * file's section, a {@code .netrc} entry. Never the secret.
   */
  String source();

  /** A bearer token ({@code Authorization: Bearer TOKEN}). */
  static Credentials bearer(String token, String source) {
    return new Bearer(token, source);
  }

  /** A user and password ({@code Authorization: Basic ...}). */
  static Credentials basic(String user, String password, String source) {
    return new Basic(user, password, source);
  }

  /** A bearer token; {@link #toString()} hides it. */
  final class Bearer implements Credentials {
    private final String token;
    private final String source;

    private Bearer(String token, String source) {
      this.token = checked(token, "token", source);
      this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public String authorization() {
      return "Bearer " + token;
    }

    @Override
    public String source() {
      return source;
    }

    @Override
    public String toString() {
      return "bearer token from " + source;
    }
  }

  /** A user and password; {@link #toString()} hides the password. */
  final class Basic implements Credentials {
    private final String user;
    private final String password;
    private final String source;

    private Basic(String user, String password, String source) {
      this.user = checked(user, "user", source);
      this.password = Objects.requireNonNull(password, "password");
      if (user.contains(":")) {
        throw new GuildException("the user name from " + source + " contains ':', which HTTP basic authentication cannot send");
      }
      checked(password.isEmpty() ? "-" : password, "password", source);
      this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public String authorization() {
      return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String source() {
      return source;
    }

    @Override
    public String toString() {
      return "user " + user + " and password from " + source;
    }
  }

  private static String checked(String value, String what, String source) {
    if (value == null || value.isBlank()) {
      throw new GuildException("the " + what + " from " + source + " is empty");
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new GuildException("the " + what + " from " + source + " contains a control character");
    }
    return value;
  }
}
