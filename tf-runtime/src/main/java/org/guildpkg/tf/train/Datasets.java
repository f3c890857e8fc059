package org.guildpkg.tf.train;

import java.nio.file.Path;
import org.guildpkg.GuildException;

/** Finds a dataset package for the training commands and opens its splits as examples. */
final class Datasets {
  private Datasets() {}

  /**
   * A dataset package and a way to read its splits.
   *
   * @param ref its name and version
   * @param folder its files
   */
  record Resolved(PackageRef ref, Path folder) {
    /** One split, such as {@code train} or {@code test}, in memory. */
    ExampleSource split(String name) {
      throw new GuildException("cannot read split " + name + " of " + ref + ": no Dataset view in this build yet");
    }
  }

  /** The dataset that {@code spec} names: a dataset package folder, else an installed package. */
  static Resolved resolve(String spec, Path home, boolean offline) {
    throw new GuildException("cannot load dataset '" + spec + "': no Dataset view in this build yet");
  }
}
