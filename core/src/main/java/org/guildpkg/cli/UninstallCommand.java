package org.guildpkg.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild uninstall NAME[@VERSION]... [--force]}: removes installed packages. */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = "Remove installed packages: NAME removes every installed version, NAME@VERSION one."
        + " Refused while another installed package requires it.")
final class UninstallCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "1..*", paramLabel = "NAME[@VERSION]", description = "The packages to remove.")
  List<String> specs;

  @Option(names = "--force",
      description = "Remove even when other installed packages require them (default: refuse).")
  boolean force;

  @Override
  public Integer call() {
    List<GuildPackage> removed = parent.guildHome()
        .uninstall(force, specs.toArray(String[]::new));
    for (GuildPackage p : removed) {
      parent.out().println("uninstalled " + p);
    }
    return 0;
  }
}
