package org.guildpkg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.mirror.MirrorIndex;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild mirror add|list|remove}: the mirrors kept in {@code $GUILD_HOME/config}. */
@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    description = "Configure the mirrors packages come from (kept in $GUILD_HOME/config, asked in order).",
    subcommands = {MirrorCommand.Add.class, MirrorCommand.ListMirrors.class, MirrorCommand.Remove.class})
final class MirrorCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Override
  public Integer call() {
    parent.spec.commandLine().getSubcommands().get("mirror").usage(parent.out());
    return 0;
  }

  /** {@code guild mirror add NAME URL [--key PUBKEY]}. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a mirror after the configured ones, once it answered with its index"
          + " (signed by --key when given).")
  static final class Add implements Callable<Integer> {
    @ParentCommand MirrorCommand mirror;

    @Parameters(index = "0", paramLabel = "NAME", description = "A name for the mirror (letters, digits, _ and -).")
    String name;

    @Parameters(index = "1", paramLabel = "URL", description = "The mirror's URL: file://..., a folder, http(s)://..., or a scheme of a transport module such as s3://BUCKET/PREFIX (guild-s3).")
    String url;

    @Option(names = "--key", paramLabel = "PUBKEY",
        description = "The mirror's public key file (mirror.pub); its index must then be signed and"
            + " never go back in serial. Default: none (unverified, with a warning).")
    Path key;

    @Option(names = "--no-check",
        description = "Add the mirror without asking it for its index (for a mirror that is down or"
            + " empty for now). Default: the index is fetched (and its signature checked with"
            + " --key) and a mirror that does not answer is not added.")
    boolean noCheck;

    @Override
    public Integer call() {
      MirrorSpec spec = new MirrorSpec(name, MirrorSpec.parseUrl(url),
          Optional.ofNullable(key).map(SigningKeys::readPublic));
      GuildHome home = mirror.parent.guildHome();
      if (home.mirrorConfig().mirror(name).isPresent()) {
        home.mirrorConfig().add(spec); // the configuration's own error for a name taken
      }
      String checked;
      if (noCheck) {
        checked = " (not checked: --no-check)";
      } else if (home.offline()) {
        checked = " (not checked: offline)";
      } else {
        MirrorIndex index;
        try {
          index = home.mirrors().check(spec);
        } catch (GuildException e) {
          // A typo in a URL should not wait for the first install to show: refuse, and say how to insist.
          throw new GuildException("mirror '" + name + "' was not added: " + e.getMessage()
              + "; check the URL (and --key), or add it anyway with --no-check", e);
        }
        checked = " (index serial " + index.serial() + ", " + index.packages().size() + " package"
            + (index.packages().size() == 1 ? "" : "s") + (key != null ? ", signature checked)" : ")");
      }
      home.mirrorConfig().add(spec);
      mirror.parent.out().println("added mirror " + name + " " + spec.url() + checked);
      if (key == null) {
        mirror.parent.err().println("guild: warning: mirror '" + name + "' has no public key: its"
            + " index will not be verified (fine for local use; add --key PUBKEY otherwise)");
      }
      return 0;
    }
  }

  /** {@code guild mirror list [--json]}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the configured mirrors in order.")
  static final class ListMirrors implements Callable<Integer> {
    @ParentCommand MirrorCommand mirror;

    @Option(names = "--json", description = "Print a JSON array of {name, url, signed, key} (default: a table).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<MirrorSpec> mirrors = mirror.parent.guildHome().mirrorConfig().mirrors();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ArrayNode arr = m.createArrayNode();
        for (MirrorSpec s : mirrors) {
          ObjectNode o = arr.addObject();
          o.put("name", s.name());
          o.put("url", s.url().toString());
          o.put("signed", s.key().isPresent());
          s.key().ifPresent(k -> o.put("key", SigningKeys.toText(k)));
        }
        mirror.parent.out().println(m.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
        return 0;
      }
      if (mirrors.isEmpty()) {
        mirror.parent.err().println("no mirrors configured; add one with 'guild mirror add NAME URL'");
        return 0;
      }
      int w = Math.max(4, mirrors.stream().mapToInt(s -> s.name().length()).max().orElse(4));
      mirror.parent.out().printf("%-" + w + "s  %-8s  %s%n", "NAME", "KEY", "URL");
      for (MirrorSpec s : mirrors) {
        mirror.parent.out().printf("%-" + w + "s  %-8s  %s%n", s.name(), s.key().isPresent() ? "signed" : "none", s.url());
      }
      return 0;
    }
  }

  /** {@code guild mirror remove NAME}. */
  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a mirror from the configuration.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand MirrorCommand mirror;

    @Parameters(paramLabel = "NAME", description = "The mirror's name, as 'guild mirror list' shows it.")
    String name;

    @Override
    public Integer call() {
      mirror.parent.guildHome().mirrorConfig().remove(name);
      mirror.parent.out().println("removed mirror " + name);
      return 0;
    }
  }
}
