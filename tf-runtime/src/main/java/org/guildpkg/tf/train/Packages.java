package org.guildpkg.tf.train;

import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;

/** Finds installed packages for the training commands (the store's {@code GuildPackages}). */
final class Packages {
  private Packages() {}

  /** The installed package that {@code spec} names, installing it from a mirror when it can. */
  static GuildPackage load(String spec, Path home, boolean offline) {
    throw new GuildException(
        "cannot load package '" + spec + "': the package store is not in this build yet;"
            + " give a package folder instead");
  }
}
