package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.store.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild verify [NAME...]}: re-hashes installed files against their file lists. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check installed packages against their file lists; report changed, missing and"
        + " extra files by path and exit 1 when there are any.")
final class VerifyCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "0..*", paramLabel = "NAME",
      description = "Packages to check, every installed version of each (default: all installed packages).")
  List<String> names = new ArrayList<>();

  @Option(names = "--json", description = "Print a JSON object {ok, packages: [{name, version, path, ok, changed, missing, extra}]} instead of lines; still exits 1 when files differ (default: lines).")
  boolean json;

  @Override
  public Integer call() {
    VerifyReport report = parent.guildHome()
        .verify(names.toArray(String[]::new));
    List<String> problems = new ArrayList<>();
    ObjectNode result = PackageJson.JSON.createObjectNode();
    result.put("ok", report.ok());
    ArrayNode packages = result.putArray("packages");
    for (VerifyReport.PackageResult r : report.packages()) {
      ObjectNode o = packages.addObject();
      o.put("name", r.pkg().name().value());
      o.put("version", r.pkg().version().value());
      o.put("path", r.pkg().path().toString());
      o.put("ok", r.ok());
      r.changed().forEach(o.putArray("changed")::add);
      r.missing().forEach(o.putArray("missing")::add);
      r.extra().forEach(o.putArray("extra")::add);
      if (r.ok() && !json) {
        parent.out().println("ok       " + r.pkg());
      }
      report(r, "changed", r.changed(), problems);
      report(r, "missing", r.missing(), problems);
      report(r, "extra", r.extra(), problems);
    }
    if (json) {
      parent.printJson(result);
    }
    if (!problems.isEmpty()) {
      parent.out().flush();
      String damaged = report.packages().stream().filter(r -> !r.ok())
          .map(r -> r.pkg().name() + "@" + r.pkg().version()).distinct()
          .collect(java.util.stream.Collectors.joining(" "));
      throw new GuildException(problems.size() + " file(s) differ from their packages' file lists: "
          + String.join(", ", problems) + "; repair with 'guild install --reinstall " + damaged + "'");
    }
    return 0;
  }

  private void report(VerifyReport.PackageResult r, String what, List<String> paths, List<String> problems) {
    for (String p : paths) {
      if (!json) {
        parent.out().printf("%-8s %s %s%n", what, r.pkg(), p);
      }
      problems.add(what + " " + r.pkg().path().resolve(p));
    }
  }
}
