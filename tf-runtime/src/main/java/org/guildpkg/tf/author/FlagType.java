package org.guildpkg.tf.author;

import java.util.Locale;
import org.guildpkg.GuildException;

/** The value types a flag can have; their ids are the {@code "type"} strings of the manifest. */
public enum FlagType {
  /** A 32-bit float, such as a learning rate. */
  FLOAT,
  /** A whole number, such as a batch size. */
  INT,
  /** {@code true} or {@code false}. */
  BOOL,
  /** Any text. */
  STRING;

  /** The manifest's name of this type ({@code "float"}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a type from its manifest name.
   *
   * @throws GuildException naming the known types when {@code id} is none of them
   */
  public static FlagType of(String id) {
    for (FlagType t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new GuildException("unknown flag type '" + id + "': use float, int, bool or string");
  }

  /**
   * Checks that {@code value} is a value of this type.
   *
   * @throws GuildException naming the flag, the value and the type expected
   */
  public void check(String flag, String value) {
    boolean ok =
        switch (this) {
          case FLOAT -> parses(() -> Float.parseFloat(value)) && Float.isFinite(Float.parseFloat(value));
          case INT -> parses(() -> Long.parseLong(value));
          case BOOL -> value.equals("true") || value.equals("false");
          case STRING -> true;
        };
    if (!ok) {
      throw new GuildException(
          "flag " + flag + ": '" + value + "' is not a valid " + id() + " value"
              + (this == BOOL ? " (use true or false)" : ""));
    }
  }

  private static boolean parses(Runnable r) {
    try {
      r.run();
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
