package org.guildpkg.cli;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/** Prints library warnings on the CLI's error stream as {@code guild: warning: ...}, each once. */
final class Warnings {
  private Warnings() {}

  /** A warning listener that prints to {@code parent.err()}. */
  static Consumer<String> to(GuildCli parent) {
    Set<String> seen = new HashSet<>();
    return w -> {
      if (seen.add(w)) {
        parent.err().println("guild: warning: " + w);
        parent.err().flush();
      }
    };
  }
}
