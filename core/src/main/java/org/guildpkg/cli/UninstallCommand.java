package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
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

  @Option(names = "--json", description = "Print a JSON array of the removed packages (name, version, type, path, installed: false) instead of lines (default: lines).")
  boolean json;

  @Override
  public Integer call() {
    List<GuildPackage> removed = parent.guildHome()
        .uninstall(force, specs.toArray(String[]::new));
    if (json) {
      ArrayNode result = PackageJson.JSON.createArrayNode();
      removed.forEach(p -> result.add(PackageJson.of(p.manifest(), p.path(), false)));
      parent.printJson(result);
      return 0;
    }
    for (GuildPackage p : removed) {
      parent.out().println("uninstalled " + p);
    }
    return 0;
  }
}
