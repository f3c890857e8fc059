package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code guild list [--json]}: the installed packages. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List installed packages, by name and version.")
final class ListCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Option(names = "--json",
      description = "Print a JSON array of objects (name, version, type, path, ...) instead of a table (default: table).")
  boolean json;

  @Override
  public Integer call() {
    List<GuildPackage> pkgs = parent.guildHome().list();
    if (json) {
      ArrayNode arr = PackageJson.JSON.createArrayNode();
      pkgs.forEach(p -> arr.add(PackageJson.of(p.manifest(), p.path(), true)));
      PackageJson.print(parent.out(), arr);
      return 0;
    }
    if (pkgs.isEmpty()) {
      parent.err().println("no packages installed in " + parent.home());
      return 0;
    }
    int nw = Math.max(4, pkgs.stream().mapToInt(p -> p.name().value().length()).max().orElse(0));
    int vw = Math.max(7, pkgs.stream().mapToInt(p -> p.version().value().length()).max().orElse(0));
    String fmt = "%-" + nw + "s  %-" + vw + "s  %-7s  %s%n";
    parent.out().printf(fmt, "NAME", "VERSION", "TYPE", "DESCRIPTION");
    for (GuildPackage p : pkgs) {
      parent.out().printf(fmt, p.name(), p.version(), p.type(), p.manifest().description());
    }
    return 0;
  }
}
