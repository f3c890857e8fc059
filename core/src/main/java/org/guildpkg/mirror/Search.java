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

  /** One package found in a search digest: its row and the mirror it comes from. */
  public record Found(SearchDigest.Row row, String mirror) {}

  /** One mirror's search digest rows. */
  public record MirrorRows(MirrorSpec mirror, List<SearchDigest.Row> rows) {}

  /**
   * Searches search digests (in mirror order) exactly as {@link #search} searches indexes: the
   * same matching, the first mirror that has a package wins; for callers that only show what
   * they find, such as {@code guild search}, without parsing whole indexes.
   *
   * @return hits sorted by package name
   */
  public static List<Found> searchRows(List<MirrorRows> mirrors, Optional<String> term, Optional<PackageType> type) {
    String needle = term.map(t -> t.toLowerCase(Locale.ROOT)).orElse("");
    Set<String> seen = new HashSet<>();
    List<Found> out = new ArrayList<>();
    for (MirrorRows m : mirrors) {
      for (SearchDigest.Row r : m.rows()) {
        if (!seen.add(r.name())) {
          continue; // an earlier mirror has this package
        }
        if (type.isPresent() && !r.type().equals(type.get().id())) {
          continue;
        }
        if (needle.isEmpty() || matches(r.name(), r.description(), r.tags(), needle)) {
          out.add(new Found(r, m.mirror().name()));
        }
      }
    }
    out.sort((a, b) -> a.row().name().compareTo(b.row().name())); // as PackageName orders
    return out;
  }

  private static boolean matches(IndexEntry e, String needle) {
    return matches(e.name().value(), e.manifest().description(), e.manifest().tags(), needle);
  }

  private static boolean matches(String name, String description, List<String> tags, String needle) {
    if (name.contains(needle) || description.toLowerCase(Locale.ROOT).contains(needle)) {
      return true;
    }
    for (String tag : tags) {
      if (tag.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }
}
