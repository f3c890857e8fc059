package org.guildpkg.tf.author;

import org.guildpkg.GuildException;

/**
 * One hyperparameter of a source package: its name, default, type and help text, as the
 * manifest's {@code "flags"} interface data lists them.
 *
 * @param name the flag's name ({@code learning_rate}), lowercase letters, digits and {@code _}
 * @param defaultValue the default, as text that {@link FlagType#check} accepts
 * @param type how the value is read
 * @param help one sentence for {@code guild init --print-vars}
 */
public record FlagSpec(String name, String defaultValue, FlagType type, String help) {

  /** Checks the name and that the default is a valid value of the type. */
  public FlagSpec {
    if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
      throw new GuildException(
          "bad flag name '" + name + "': use lowercase letters, digits and '_', starting with a letter");
    }
    if (type == null || defaultValue == null) {
      throw new GuildException("flag " + name + " needs a type and a default");
    }
    help = help == null ? "" : help;
    type.check(name, defaultValue);
  }
}
