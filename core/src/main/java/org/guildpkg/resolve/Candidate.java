package org.guildpkg.resolve;

import java.util.List;
import org.guildpkg.GuildPackage;
import org.guildpkg.mirror.IndexEntry;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;

/**
 * A package version the resolver may choose, with the requirements it brings and where it would
 * come from.
 */
public record Candidate(PackageName name, Version version, List<Requirement> requires, Source source) {

  /** Copies the requirements. */
  public Candidate {
    requires = List.copyOf(requires);
  }

  /** Where a candidate comes from: the store, or a mirror's index. */
  public sealed interface Source {}

  /** Already installed: nothing to fetch. */
  public record Installed(GuildPackage pkg) implements Source {}

  /** Offered by a mirror: to be downloaded from {@code mirror} as {@code entry.file()}. */
  public record Remote(MirrorSpec mirror, IndexEntry entry) implements Source {}

  /** A candidate for an installed package. */
  public static Candidate installed(GuildPackage pkg) {
    return new Candidate(pkg.name(), pkg.version(), pkg.manifest().requires(), new Installed(pkg));
  }

  /** A candidate for a mirror's entry. */
  public static Candidate remote(MirrorSpec mirror, IndexEntry entry) {
    return new Candidate(entry.name(), entry.version(), entry.manifest().requires(), new Remote(mirror, entry));
  }

  /** True when the candidate is installed already. */
  public boolean isInstalled() {
    return source instanceof Installed;
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }
}
