package org.guildpkg.resolve;

import java.util.List;
import java.util.Set;
import org.guildpkg.spec.PackageName;

/**
 * The outcome of resolving: every chosen package version in dependency order (what a package
 * requires comes before it), and which names were asked for.
 */
public record Resolution(List<Candidate> order, Set<PackageName> requested) {

  /** Copies the parts. */
  public Resolution {
    order = List.copyOf(order);
    requested = Set.copyOf(requested);
  }

  /** The chosen versions that must be downloaded and installed, in dependency order. */
  public List<Candidate> toInstall() {
    return order.stream().filter(c -> !c.isInstalled()).toList();
  }
}
