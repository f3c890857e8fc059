package org.guildpkg.mirror;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;

/**
 * Finds packages in mirror indexes: a case-insensitive match of a term on name, description and
 * tags, optionally of one type, giving the newest version of each package from the first mirror
 * that has it (the mirror an install would use).
 *
 * <pre>{@code
 * List<Search.Hit> hits = Search.search(mirrors.indexes(), Optional.of("mnist"), Optional.empty());
 * }</pre>
 */
public final class Search {
  private Search() {}

  /** One found package: its newest entry and the mirror it comes from. */
  public record Hit(IndexEntry entry, String mirror) {}

  /**
   * Searches {@code indexes} (in mirror order).
   *
   * @param term matched case-insensitively as a substring; empty matches everything
   * @return hits sorted by package name
   */
  public static List<Hit> search(List<LoadedIndex> indexes, Optional<String> term, Optional<PackageType> type) {
    String needle = term.map(t -> t.toLowerCase(Locale.ROOT)).orElse("");
    Map<PackageName, Hit> best = new HashMap<>();
    Set<PackageName> seen = new HashSet<>();
    for (LoadedIndex li : indexes) {
      List<IndexEntry> entries = li.index().packages();
      // Entries are sorted by name then version: the last of each run is the newest.
      for (int i = 0; i < entries.size(); i++) {
        IndexEntry e = entries.get(i);
        if (i + 1 < entries.size() && entries.get(i + 1).name().equals(e.name())) {
          continue;
        }
        if (!seen.add(e.name())) {
          continue; // an earlier mirror has this package
        }
        if (type.isPresent() && e.manifest().type() != type.get()) {
          continue;
        }
        if (needle.isEmpty() || matches(e, needle)) {
          best.put(e.name(), new Hit(e, li.mirror().name()));
        }
      }
    }
    List<Hit> out = new ArrayList<>(best.values());
    out.sort((a, b) -> a.entry().name().compareTo(b.entry().name()));
    return out;
  }

  private static boolean matches(IndexEntry e, String needle) {
    if (e.name().value().contains(needle)
        || e.manifest().description().toLowerCase(Locale.ROOT).contains(needle)) {
      return true;
    }
    for (String tag : e.manifest().tags()) {
      if (tag.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }
}
