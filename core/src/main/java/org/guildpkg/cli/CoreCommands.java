package org.guildpkg.cli;

import java.util.ArrayList;
import java.util.List;

/** The subcommands that core itself gives the {@code guild} command. */
final class CoreCommands {
  private CoreCommands() {}

  /** New instances of core's subcommands, in the order {@code guild --help} lists them. */
  static List<Object> all() {
    List<Object> commands = new ArrayList<>();
    // One line per subcommand, in the order `guild --help` lists them.
    commands.add(new PackageCommand());
    commands.add(new InstallCommand());
    commands.add(new UninstallCommand());
    commands.add(new ListCommand());
    commands.add(new InfoCommand());
    commands.add(new VerifyCommand());
    commands.add(new PublishCommand());
    commands.add(new LabelCommand());
    commands.add(new KeyCommand());
    commands.add(new MirrorCommand());
    commands.add(new SearchCommand());
    commands.add(new UpgradeCommand());
    commands.add(new CacheCommand());
    commands.add(new CompletionCommand());
    return commands;
  }
}
