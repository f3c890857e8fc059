package org.guildpkg.spec;

import java.util.regex.Pattern;
import org.guildpkg.GuildException;

/**
 * A valid package name: lowercase letters, digits and {@code . _ - +}, starting with a letter or
 * digit (for example {@code fashion-mnist-convnet+fashion-mnist}).
 *
 * <pre>{@code
 * PackageName name = PackageName.of("fashion-mnist");
 * }</pre>
 */
public record PackageName(String value) implements Comparable<PackageName> {
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._+-]*");
  /** The longest package name accepted, in characters. */
  public static final int MAX_LENGTH = 128;

  /** Checks {@code value}; use {@link #of(String)} in code. */
  public PackageName {
    if (value != null && value.length() > MAX_LENGTH) {
      throw new GuildException("invalid package name '" + value.substring(0, 32) + "...' ("
          + value.length() + " characters): at most " + MAX_LENGTH);
    }
    if (value == null || !VALID.matcher(value).matches()) {
      throw new GuildException(
          "invalid package name '" + value + "': use lowercase letters, digits and . _ - +,"
              + " starting with a letter or digit");
    }
  }

  /** Parses a package name, failing with a message that names the bad value. */
  public static PackageName of(String value) {
    return new PackageName(value);
  }

  /** Tells whether {@code value} is a valid package name. */
  public static boolean isValid(String value) {
    return value != null && value.length() <= MAX_LENGTH && VALID.matcher(value).matches();
  }

  @Override
  public int compareTo(PackageName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
