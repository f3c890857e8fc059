package org.guildpkg.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.guildpkg.store.HomeCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code guild cache list|clean}: the home's download, source, index and feature caches. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = "Show or clean the caches of $GUILD_HOME/cache (downloaded archives, GuildPkg"
        + " sources, mirror indexes, transfer-learning features); installed packages are never touched.",
    subcommands = {CacheCommand.ListCache.class, CacheCommand.Clean.class})
final class CacheCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;

  @Override
  public Integer call() {
    parent.spec.commandLine().getSubcommands().get("cache").usage(parent.out());
    return 0;
  }

  private HomeCache cache() {
    return HomeCache.of(parent.guildHome().store());
  }

  private String relative(Path p) {
    return parent.home().relativize(p).toString();
  }

  /** Sizes as people read them: 1.2 kB, 12.3 MB (powers of 1000, as the progress bars). */
  static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** {@code guild cache list [--json]}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List every cached file with its size, and the total.")
  static final class ListCache implements Callable<Integer> {
    @ParentCommand CacheCommand cache;

    @Option(names = "--json", description = "Print {entries: [{kind, path, bytes, installed}], bytes}"
        + " (path relative to the home; default: a table).")
    boolean json;

    @Override
    public Integer call() {
      GuildCli cli = cache.parent;
      List<HomeCache.Entry> entries = cache.cache().entries();
      long total = entries.stream().mapToLong(HomeCache.Entry::bytes).sum();
      if (json) {
        ObjectNode o = PackageJson.JSON.createObjectNode();
        ArrayNode arr = o.putArray("entries");
        for (HomeCache.Entry e : entries) {
          arr.addObject().put("kind", e.kind().name().toLowerCase(Locale.ROOT))
              .put("path", cache.relative(e.path())).put("bytes", e.bytes())
              .put("installed", e.installed());
        }
        o.put("bytes", total);
        cli.printJson(o);
        return 0;
      }
      if (entries.isEmpty()) {
        cli.err().println("the caches of " + cli.home() + " are empty");
        return 0;
      }
      String fmt = "%-8s  %9s  %s%n";
      cli.out().printf(fmt, "KIND", "SIZE", "PATH");
      for (HomeCache.Entry e : entries) {
        cli.out().printf(fmt, e.kind().name().toLowerCase(Locale.ROOT), size(e.bytes()),
            cache.relative(e.path()) + (e.installed() ? "  [installed]" : ""));
      }
      cli.out().printf("total %s in %d entr%s%n", size(total), entries.size(),
          entries.size() == 1 ? "y" : "ies");
      return 0;
    }
  }

  /** {@code guild cache clean [--all]}. */
  @Command(name = "clean", mixinStandardHelpOptions = true,
      description = "Remove downloaded archives of packages that are not installed (pacman -Sc);"
          + " never an archive being downloaded or installed.")
  static final class Clean implements Callable<Integer> {
    @ParentCommand CacheCommand cache;

    @Option(names = "--all", description = "Remove every cached file: all downloaded archives, the"
        + " GuildPkg sources (unless a package build runs), the mirror indexes and the"
        + " transfer-learning features (unless a run uses them), made again when needed (default:"
        + " only archives of packages that are not installed).")
    boolean all;

    @Override
    public Integer call() {
      GuildCli cli = cache.parent;
      HomeCache.Cleaned c = cache.cache().clean(all);
      cli.out().printf("removed %d entr%s, %s freed%n", c.removed().size(),
          c.removed().size() == 1 ? "y" : "ies", size(c.bytesFreed()));
      for (HomeCache.Kept k : c.kept()) {
        if (!k.reason().equals("installed")) {
          cli.err().println("kept " + cache.relative(k.entry().path()) + ": " + k.reason());
        }
      }
      long installed = c.kept().stream().filter(k -> k.reason().equals("installed")).count();
      if (installed > 0) {
        cli.err().println("kept " + installed + " archive(s) of installed packages; --all removes them too");
      }
      return 0;
    }
  }
}
