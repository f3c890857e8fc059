package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild install SPEC...}: checks and installs packages into the store. */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = "Install packages: each SPEC is an archive's path (NAME-VERSION.pkg.tar.zst),"
        + " NAME, NAME@VERSION, NAME==VERSION, \"NAME>=VERSION\" or NAME@LABEL (a mirror label such as"
        + " stable; upgrade then follows the label). Installing an installed package again does"
        + " nothing unless --reinstall.")
final class InstallCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "1..*", paramLabel = "SPEC",
      description = "Archive paths or package specs, installed in the order given (requirements first).")
  List<String> specs;

  @Option(names = "--reinstall",
      description = "Fetch each named package again and replace its installed copy atomically (the"
          + " repair 'guild verify' advises); a failed reinstall leaves the old copy as it was."
          + " Requires already installed are kept (default: an installed package is left alone).")
  boolean reinstall;

  @Option(names = "--json", description = "Print a JSON array of the installed packages (name, version, type, path, ...) instead of lines (default: lines).")
  boolean json;

  @Override
  public Integer call() {
    ArrayNode result = PackageJson.JSON.createArrayNode();
    GuildHome home = parent.guildHome();
    for (String spec : specs) {
      for (GuildPackage p : home.install(List.of(spec), reinstall)) {
        if (json) {
          result.add(PackageJson.of(p.manifest(), p.path(), true));
        } else {
          parent.out().println((reinstall ? "reinstalled " : "installed ") + p + " in " + p.path());
        }
      }
    }
    if (json) {
      parent.printJson(result);
    }
    return 0;
  }
}
