package org.guildpkg.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Adds subcommands to the {@code guild} command, found through {@link ServiceLoader}
 * ({@code META-INF/services/org.guildpkg.spi.CliExtension}); tf-runtime adds {@code train},
 * {@code evaluate}, {@code serve}, {@code deploy}, {@code check}, {@code tfrecord} and
 * {@code demo}.
 */
public interface CliExtension {
  /**
   * New instances of picocli {@code @Command} classes. A command may declare a
   * {@code @ParentCommand GuildCli} field to reach the global options ({@code --home},
   * {@code --offline}).
   */
  List<Object> subcommands();

  /** Every extension on the class path. */
  static List<CliExtension> all() {
    List<CliExtension> out = new ArrayList<>();
    ServiceLoader.load(CliExtension.class, CliExtension.class.getClassLoader()).forEach(out::add);
    return out;
  }
}
