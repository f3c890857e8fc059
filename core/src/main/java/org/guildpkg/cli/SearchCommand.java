package org.guildpkg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import org.guildpkg.mirror.Mirrors;
import org.guildpkg.mirror.Search;
import org.guildpkg.mirror.SearchDigest;
import org.guildpkg.spec.PackageType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code guild search [TERM] [--type T] [--json]}: finds packages on the configured mirrors. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Find packages on the configured mirrors: a case-insensitive match on name,"
        + " description and tags; the newest version of each, marked [installed VERSION] when"
        + " a version is installed.")
final class SearchCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "0..1", paramLabel = "TERM", description = "Text to look for (default: list every package).")
  String term;

  @Option(names = "--type", paramLabel = "T", description = "Only packages of this type: dataset, model or source (default: all).")
  String type;

  @Option(names = "--json", description = "Print a JSON array of {name, version, type, description, tags, mirror, installed}"
      + " (installed: the installed versions; default: a table).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Optional<PackageType> t = Optional.ofNullable(type).map(PackageType::of);
    Mirrors mirrors = parent.guildHome().mirrors();
    // Search digests, not whole indexes: a fresh JVM then parses a fifth of the bytes, no JSON.
    List<Search.Found> hits = Search.searchRows(mirrors.searchRows(), Optional.ofNullable(term), t);
    print(parent, hits, installedVersions(parent), json);
    return 0;
  }

  /** The installed versions of each installed package, by name, oldest first. */
  static Map<String, List<String>> installedVersions(GuildCli parent) {
    return parent.guildHome().list().stream().collect(Collectors.groupingBy(
        p -> p.name().value(), TreeMap::new,
        Collectors.mapping(p -> p.version().value(), Collectors.toList())));
  }

  static void print(GuildCli parent, List<Search.Found> hits, Map<String, List<String>> installed,
      boolean json) throws Exception {
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ArrayNode arr = m.createArrayNode();
      for (Search.Found h : hits) {
        SearchDigest.Row e = h.row();
        ObjectNode o = arr.addObject();
        o.put("name", e.name());
        o.put("version", e.version());
        o.put("type", e.type());
        o.put("description", e.description());
        ArrayNode tags = o.putArray("tags");
        e.tags().forEach(tags::add);
        o.put("mirror", h.mirror());
        ArrayNode versions = o.putArray("installed");
        installed.getOrDefault(e.name(), List.of()).forEach(versions::add);
      }
      parent.out().println(m.writerWithDefaultPrettyPrinter().writeValueAsString(arr));
      return;
    }
    if (hits.isEmpty()) {
      parent.err().println("no packages found");
      return;
    }
    int nw = 4;
    int vw = 7;
    for (Search.Found h : hits) {
      nw = Math.max(nw, h.row().name().length());
      vw = Math.max(vw, h.row().version().length());
    }
    StringBuilder b = new StringBuilder();
    String fmt = "%-" + nw + "s  %-" + vw + "s  %-7s  %s%n";
    b.append(String.format(fmt, "NAME", "VERSION", "TYPE", "DESCRIPTION"));
    for (Search.Found h : hits) {
      SearchDigest.Row e = h.row();
      List<String> have = installed.getOrDefault(e.name(), List.of());
      // As pacman -Ss marks what is installed, with the versions since they may differ.
      String mark = have.isEmpty() ? "" : " [installed " + String.join(", ", have) + "]";
      b.append(String.format(fmt, e.name(), e.version(), e.type(), e.description() + mark));
    }
    parent.out().print(b);
    parent.out().flush();
  }
}
