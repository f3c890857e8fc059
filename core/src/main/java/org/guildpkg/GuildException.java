package org.guildpkg;

/**
 * The one unchecked exception family of Guild: every failure a user can cause or meet.
 *
 * <p>Its message is a single line that says what failed and where (file and line, package and
 * version, URL) and, where it helps, what to do. The CLI prints it as {@code guild: MESSAGE} and
 * exits with status 1.
 */
public class GuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a one-line message naming what failed and where. */
  public GuildException(String message) {
    super(message);
  }

  /** Creates an exception with a one-line message and the failure that caused it. */
  public GuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
