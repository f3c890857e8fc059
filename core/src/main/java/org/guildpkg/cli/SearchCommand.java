package org.guildpkg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
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
        + " description and tags; the newest version of each.")
final class SearchCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(arity = "0..1", paramLabel = "TERM", description = "Text to look for (default: list every package).")
  String term;

  @Option(names = "--type", paramLabel = "T", description = "Only packages of this type: dataset, model or source (default: all).")
  String type;

  @Option(names = "--json", description = "Print a JSON array of {name, version, type, description, tags, mirror} (default: a table).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Optional<PackageType> t = Optional.ofNullable(type).map(PackageType::of);
    Mirrors mirrors = parent.guildHome().mirrors();
    // Search digests, not whole indexes: a fresh JVM then parses a fifth of the bytes, no JSON.
    List<Search.Found> hits = Search.searchRows(mirrors.searchRows(), Optional.ofNullable(term), t);
    print(parent, hits, json);
    return 0;
  }

  static void print(GuildCli parent, List<Search.Found> hits, boolean json) throws Exception {
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
      b.append(String.format(fmt, e.name(), e.version(), e.type(), e.description()));
    }
    parent.out().print(b);
    parent.out().flush();
  }
}
