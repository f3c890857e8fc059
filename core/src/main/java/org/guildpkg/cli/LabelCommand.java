package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.mirror.LoadedIndex;
import org.guildpkg.mirror.Publisher;
import org.guildpkg.spec.LabelSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;
import org.guildpkg.spec.VersionConstraint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild label set|remove|list}: mirror labels ({@code stable}, {@code best}, ...), which map
 * a package to one version in a mirror's signed index and which {@code NAME@LABEL} specs resolve.
 */
@Command(
    name = "label",
    mixinStandardHelpOptions = true,
    description = "Mirror labels such as stable or best: each names one version per package in the"
        + " mirror's signed index; install, load, upgrade and serve resolve NAME@LABEL through them.",
    subcommands = {LabelCommand.Set.class, LabelCommand.Remove.class, LabelCommand.ListLabels.class})
final class LabelCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Override
  public Integer call() {
    parent.spec.commandLine().getSubcommands().get("label").usage(parent.out());
    return 0;
  }

  private static Publisher.PublishResult apply(GuildCli parent, PublishTarget target, Publisher.LabelChange change) {
    return Publisher.label(target.transport(parent), List.of(change), target.signingKey());
  }

  private static void report(GuildCli parent, Publisher.PublishResult r, Publisher.LabelChange asked) {
    if (r.labelled().isEmpty()) {
      parent.out().println("unchanged " + asked + " (already so); index serial " + r.serial());
    } else {
      parent.out().println("labelled " + asked + "; index serial " + r.serial());
    }
  }

  /** {@code guild label set LABEL NAME@VERSION --mirror M [--key K]}. */
  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Point LABEL at one version of a package the mirror has, by a signed index update.")
  static final class Set implements Callable<Integer> {
    @ParentCommand LabelCommand label;

    @Parameters(index = "0", paramLabel = "LABEL", description = "The label: a letter, then letters, digits and . _ -.")
    String name;

    @Parameters(index = "1", paramLabel = "NAME@VERSION", description = "The package version to label (NAME==VERSION also works).")
    String spec;

    @picocli.CommandLine.Mixin PublishTarget target = new PublishTarget();

    @Override
    public Integer call() {
      LabelSpec.checkLabel(name);
      Requirement r = Requirement.parse(spec);
      List<VersionConstraint.Term> terms = r.constraint().terms();
      if (terms.size() != 1 || !terms.get(0).op().equals("=")) {
        throw new GuildException("label set " + name + " '" + spec + "': give one exact version, NAME@VERSION");
      }
      Version v = terms.get(0).version();
      Publisher.LabelChange change = new Publisher.LabelChange(name, r.name(), Optional.of(v));
      report(label.parent, apply(label.parent, target, change), change);
      return 0;
    }
  }

  /** {@code guild label remove LABEL NAME --mirror M [--key K]}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Make LABEL name no version of a package, by a signed index update.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand LabelCommand label;

    @Parameters(index = "0", paramLabel = "LABEL", description = "The label.")
    String name;

    @Parameters(index = "1", paramLabel = "NAME", description = "The package.")
    String pkg;

    @picocli.CommandLine.Mixin PublishTarget target = new PublishTarget();

    @Override
    public Integer call() {
      Publisher.LabelChange change = new Publisher.LabelChange(LabelSpec.checkLabel(name), PackageName.of(pkg), Optional.empty());
      report(label.parent, apply(label.parent, target, change), change);
      return 0;
    }
  }

  /** {@code guild label list [--json]}: the labels of the configured mirrors. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the labels of the configured mirrors: mirror, label, package, version.")
  static final class ListLabels implements Callable<Integer> {
    @ParentCommand LabelCommand label;

    @Option(names = "--json", description = "Print a JSON array of {mirror, label, name, version} (default: a table).")
    boolean json;

    @Override
    public Integer call() {
      GuildCli parent = label.parent;
      ArrayNode rows = PackageJson.JSON.createArrayNode();
      for (LoadedIndex li : parent.guildHome().mirrors().indexes()) {
        li.index().labels().forEach((l, names) -> names.forEach((n, v) -> {
          ObjectNode o = rows.addObject();
          o.put("mirror", li.mirror().name());
          o.put("label", l);
          o.put("name", n.value());
          o.put("version", v.value());
        }));
      }
      if (json) {
        parent.printJson(rows);
        return 0;
      }
      if (rows.isEmpty()) {
        parent.err().println("the configured mirrors have no labels; add one with 'guild label set'");
        return 0;
      }
      parent.out().printf("%-12s %-12s %-40s %s%n", "MIRROR", "LABEL", "NAME", "VERSION");
      rows.forEach(o -> parent.out().printf("%-12s %-12s %-40s %s%n", o.get("mirror").asText(),
          o.get("label").asText(), o.get("name").asText(), o.get("version").asText()));
      return 0;
    }
  }
}
