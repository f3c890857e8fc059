package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.install.PackageManager;
import org.guildpkg.spec.PackageName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild upgrade [NAME...]}: moves installed packages to the newest versions the mirrors offer. */
@Command(
    name = "upgrade",
    mixinStandardHelpOptions = true,
    description = "Install the newest version the mirrors offer of each named package (default:"
        + " every installed package); a package installed as NAME@LABEL moves to the version the"
        + " mirror label names now. An old version is removed only after the new one is"
        + " committed, and kept while another package requires it. Without a configured mirror"
        + " it fails (exit 1): there is nothing to upgrade from.")
final class UpgradeCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "Installed packages to upgrade (default: all).")
  List<String> names = new ArrayList<>();

  @Option(names = "--dry-run",
      description = "Print the plan, one line 'NAME: OLD -> NEW' per package, and change nothing"
          + " (default: upgrade).")
  boolean dryRun;

  @Option(names = "--json", description = "Print a JSON array of {name, from, to, path, kept} (from is null for a new package; empty when up to date) instead of lines (default: lines).")
  boolean json;

  @Override
  public Integer call() {
    PackageManager pm = parent.guildHome().packageManager();
    if (dryRun) {
      return plan(pm);
    }
    List<PackageManager.Upgrade> ups = pm.upgrade(names.stream().map(PackageName::of).toList());
    if (json) {
      ArrayNode result = PackageJson.JSON.createArrayNode();
      for (PackageManager.Upgrade u : ups) {
        ObjectNode o = result.addObject();
        o.put("name", u.name().value());
        o.put("from", u.from().map(p -> p.version().value()).orElse(null));
        o.put("to", u.to().version().value());
        o.put("path", u.to().path().toString());
        u.kept().forEach(o.putArray("kept")::add);
      }
      parent.printJson(result);
      return 0;
    }
    for (PackageManager.Upgrade u : ups) {
      parent.out().println("upgraded " + u.name() + " " + u.from().map(p -> p.version().value()).orElse("-")
          + " -> " + u.to().version() + " in " + u.to().path());
      u.kept().forEach(k -> parent.err().println("guild: warning: kept " + k));
    }
    if (ups.isEmpty()) {
      parent.out().println("everything is up to date");
    }
    return 0;
  }

  private int plan(PackageManager pm) {
    List<PackageManager.PlannedUpgrade> plan = pm.upgradePlan(names.stream().map(PackageName::of).toList());
    if (json) {
      ArrayNode result = PackageJson.JSON.createArrayNode();
      for (PackageManager.PlannedUpgrade p : plan) {
        ObjectNode o = result.addObject();
        o.put("name", p.name().value());
        o.put("from", p.from().value());
        o.put("to", p.to().value());
        o.put("label", p.label().orElse(null));
        p.fetched().forEach(o.putArray("fetched")::add);
      }
      parent.printJson(result);
      return 0;
    }
    plan.forEach(p -> parent.out().println(p));
    parent.out().println(plan.isEmpty() ? "everything is up to date; nothing would change"
        : "dry run: nothing was changed");
    return 0;
  }
}
