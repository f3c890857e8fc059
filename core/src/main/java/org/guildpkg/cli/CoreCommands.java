package org.guildpkg.cli;

import java.util.List;

/** The subcommands that core itself gives the {@code guild} command. */
final class CoreCommands {
  private CoreCommands() {}

  /** New instances of core's subcommands, in the order {@code guild --help} lists them. */
  static List<Object> all() {
    return List.of();
  }
}
