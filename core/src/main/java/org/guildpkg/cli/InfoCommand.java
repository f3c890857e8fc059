package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code guild info SPEC [--json]}: the manifest of an installed package or of an archive, with a
 * summary of its interface data by type (a dataset's splits, features and classes; a model's
 * signatures).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show a package's manifest: the highest installed version matching SPEC, or an archive's.")
final class InfoCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Parameters(paramLabel = "SPEC", description = "NAME, NAME@VERSION, \"NAME>=VERSION\" or an archive's path.")
  String spec;

  @Option(names = "--json",
      description = "Print one JSON object (name, version, type, path, installed, ...) instead of text (default: text).")
  boolean json;

  @Override
  public Integer call() {
    Manifest m;
    Path path;
    boolean installed;
    if (GuildHome.isArchivePath(spec)) {
      path = Path.of(spec).toAbsolutePath();
      m = ArchiveReader.readManifest(path);
      installed = false;
    } else {
      GuildPackage p = parent.guildHome().load(spec);
      m = p.manifest();
      path = p.path();
      installed = true;
    }
    ObjectNode o = PackageJson.of(m, path, installed);
    if (json) {
      PackageJson.print(parent.out(), o);
      return 0;
    }
    line("name", m.name().value());
    line("version", m.version().value());
    line("type", m.type().id());
    line("description", m.description());
    line("license", m.license());
    line("tags", String.join(" ", m.tags()));
    line("requires", String.join(", ", m.requires().stream().map(Object::toString).toList()));
    m.references().forEach((k, v) -> line("reference " + k, v));
    StringBuilder keys = new StringBuilder();
    for (Iterator<String> it = m.interfaceData().fieldNames(); it.hasNext(); ) {
      keys.append(keys.length() == 0 ? "" : " ").append(it.next());
    }
    line("interface", keys.toString());
    InterfaceSummary.of(m.type(), m.interfaceData()).forEach(l -> line(l.key(), l.value()));
    line(installed ? "path" : "archive", path.toString());
    return 0;
  }

  private void line(String key, String value) {
    parent.out().printf("%-12s %s%n", key + ":", value);
  }
}
