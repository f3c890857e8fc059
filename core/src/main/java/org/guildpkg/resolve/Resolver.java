package org.guildpkg.resolve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.VersionConstraint;

/**
 * Decides which package versions to install for some specs: the specs themselves and the
 * {@code requires} of everything chosen, transitively.
 *
 * <p>For a requested package it picks the highest version that satisfies every constraint on it,
 * installed or offered. For a package that is only required, an installed version that satisfies
 * every constraint is kept (nothing is downloaded); otherwise the highest satisfying version is
 * picked. When a later constraint rules out an earlier pick, resolution starts again with that
 * constraint known up front. When no version satisfies all constraints on a name, the error names
 * the packages that set them.
 *
 * <p>The resolver knows what to fetch, never how ({@code transport}) or where it goes
 * ({@code store}):
 *
 * <pre>{@code
 * Resolution r = new Resolver(source).resolve(List.of(Requirement.parse("fashion-mnist>=1.0")));
 * r.toInstall().forEach(...);
 * }</pre>
 */
public final class Resolver {
  private static final int MAX_ROUNDS = 1000;
  private static final String REQUESTED = "the command line";

  private final CandidateSource source;
  private final Map<PackageName, List<Candidate>> cache = new HashMap<>();

  /** A resolver choosing from {@code source}. */
  public Resolver(CandidateSource source) {
    this.source = source;
  }

  private record Need(String origin, VersionConstraint constraint) {
    @Override
    public String toString() {
      return origin + " requires " + (constraint.isAny() ? "any version" : constraint.toString());
    }
  }

  private record Pending(String origin, Requirement requirement) {}

  /**
   * Resolves {@code specs}.
   *
   * @throws GuildException when a package is unknown, when no version satisfies a constraint, or
   *     on a conflict between two packages' requirements (both named)
   */
  public Resolution resolve(List<Requirement> specs) {
    Set<PackageName> requested = new HashSet<>();
    specs.forEach(s -> requested.add(s.name()));
    Map<PackageName, List<Need>> learned = new HashMap<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Map<PackageName, Candidate> chosen = new LinkedHashMap<>();
      Map<PackageName, List<Need>> needs = new HashMap<>();
      learned.forEach((n, l) -> needs.put(n, new ArrayList<>(l)));
      Deque<Pending> queue = new ArrayDeque<>();
      specs.forEach(s -> queue.add(new Pending(REQUESTED, s)));
      boolean restart = false;
      while (!queue.isEmpty()) {
        Pending p = queue.poll();
        PackageName name = p.requirement().name();
        Need need = new Need(p.origin(), p.requirement().constraint());
        needs.computeIfAbsent(name, n -> new ArrayList<>()).add(need);
        Candidate current = chosen.get(name);
        if (current != null) {
          if (need.constraint().test(current.version())) {
            continue;
          }
          learned.computeIfAbsent(name, n -> new ArrayList<>()).add(need);
          restart = true;
          break;
        }
        Candidate pick = pick(name, needs.get(name), requested.contains(name));
        chosen.put(name, pick);
        for (Requirement r : pick.requires()) {
          queue.add(new Pending(pick.toString(), r));
        }
      }
      if (!restart) {
        return new Resolution(dependencyOrder(chosen), requested);
      }
    }
    throw new GuildException("cannot resolve " + specs + ": the requirements keep changing; "
        + "install the packages one by one to find the cycle");
  }

  private Candidate pick(PackageName name, List<Need> needs, boolean requested) {
    List<Candidate> all = cache.computeIfAbsent(name, source::candidates);
    if (all.isEmpty()) {
      throw new GuildException("package " + name + " (" + needs.get(0).origin().replace(REQUESTED, "requested")
          + ") was not found in " + source.whereLooked() + "; check the name with 'guild search'");
    }
    List<Candidate> ok = all.stream().filter(c -> needs.stream().allMatch(n -> n.constraint().test(c.version())))
        .toList();
    if (ok.isEmpty()) {
      throw noVersion(name, needs, all);
    }
    Comparator<Candidate> byVersion = Comparator.comparing(Candidate::version);
    if (!requested) {
      Optional<Candidate> installed = ok.stream().filter(Candidate::isInstalled).max(byVersion);
      if (installed.isPresent()) {
        return installed.get();
      }
    }
    // Highest version; at equal versions prefer the installed one (nothing to fetch).
    return ok.stream().max(byVersion.thenComparing(Candidate::isInstalled)).orElseThrow();
  }

  private GuildException noVersion(PackageName name, List<Need> needs, List<Candidate> all) {
    String versions = all.stream().map(Candidate::version).distinct().sorted().map(Object::toString)
        .collect(Collectors.joining(", "));
    for (Need n : needs) {
      if (all.stream().noneMatch(c -> n.constraint().test(c.version()))) {
        return new GuildException("no version of " + name + " satisfies '" + n.constraint() + "' ("
            + n.origin() + "); available in " + source.whereLooked() + ": " + versions);
      }
    }
    // Each need alone can be met: two of them contradict each other.
    for (int i = 0; i < needs.size(); i++) {
      for (int j = i + 1; j < needs.size(); j++) {
        Need a = needs.get(i);
        Need b = needs.get(j);
        if (all.stream().noneMatch(c -> a.constraint().test(c.version()) && b.constraint().test(c.version()))) {
          return new GuildException("conflict on " + name + ": " + a + " but " + b
              + "; available versions: " + versions);
        }
      }
    }
    return new GuildException("conflict on " + name + ": no version satisfies all of "
        + needs.stream().map(Need::toString).collect(Collectors.joining("; ")) + "; available versions: " + versions);
  }

  private static List<Candidate> dependencyOrder(Map<PackageName, Candidate> chosen) {
    List<Candidate> out = new ArrayList<>();
    Set<PackageName> done = new HashSet<>();
    Set<PackageName> visiting = new HashSet<>();
    for (PackageName n : chosen.keySet()) {
      visit(n, chosen, done, visiting, out);
    }
    return out;
  }

  private static void visit(PackageName n, Map<PackageName, Candidate> chosen, Set<PackageName> done,
      Set<PackageName> visiting, List<Candidate> out) {
    if (done.contains(n) || !visiting.add(n)) {
      return; // a cycle: its members are installed in discovery order
    }
    Candidate c = chosen.get(n);
    for (Requirement r : c.requires()) {
      visit(r.name(), chosen, done, visiting, out);
    }
    visiting.remove(n);
    done.add(n);
    out.add(c);
  }
}
