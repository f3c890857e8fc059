package org.guildpkg.tf.project;

import java.nio.file.Path;
import java.util.Optional;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;

/** Finds installed packages for the training commands, installing them from a mirror if needed. */
public final class Packages {
  private Packages() {}

  /** The installed package that {@code spec} names, installing it (and its requirements) when absent. */
  public static GuildPackage load(String spec, Path home, boolean offline) {
    GuildHome guild = GuildPackages.at(home).offline(offline);
    Optional<GuildPackage> found = guild.find(spec);
    if (found.isPresent()) {
      return found.get();
    }
    guild.install(spec);
    return guild.load(spec);
  }
}
