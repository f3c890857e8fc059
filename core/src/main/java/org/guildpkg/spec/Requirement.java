package org.guildpkg.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;

/**
 * A need for another package: a name and a version constraint, as in GuildPkg's {@code requires}
 * and in install specs ({@code fashion-mnist >= 1.0}, {@code fashion-mnist@1.0},
 * {@code fashion-mnist==1.0}).
 */
public record Requirement(PackageName name, VersionConstraint constraint) {
  private static final Pattern SPEC = Pattern.compile("\\s*([^\\s<>=@]+)\\s*(?:@\\s*(\\S+)|((?:[<>=].*)?))\\s*");

  /** Checks that both parts are present. */
  public Requirement {
    if (name == null || constraint == null) {
      throw new IllegalArgumentException("name and constraint are required");
    }
  }

  /**
   * Parses one spec: {@code NAME}, {@code NAME@VERSION}, {@code NAME==VERSION} (the same as
   * {@code @}), {@code NAME>=1.0} or {@code NAME >= 1.0, < 2.0}. A mirror label
   * ({@code NAME@stable}, see {@link LabelSpec}) is refused here: only a mirror resolves it.
   */
  public static Requirement parse(String spec) {
    Matcher m = spec == null ? null : SPEC.matcher(spec);
    if (m == null || !m.matches()) {
      throw new GuildException(
          "invalid package spec '" + spec + "': expected NAME, NAME@VERSION, NAME==VERSION or NAME>=VERSION");
    }
    PackageName name = PackageName.of(m.group(1));
    if (m.group(2) != null && LabelSpec.isValidLabel(m.group(2))) {
      throw new GuildException("package spec '" + spec.trim() + "' names the mirror label '"
          + m.group(2) + "', which only a mirror's index resolves: use it with guild install, load,"
          + " upgrade or serve, or give a version");
    }
    if (m.group(2) != null) {
      return new Requirement(name, VersionConstraint.exactly(Version.parse(m.group(2))));
    }
    return new Requirement(name, VersionConstraint.parse(m.group(3)));
  }

  /**
   * Parses GuildPkg's comma-separated {@code requires}: {@code a >= 1.0, b, a < 2.0}. A term
   * that starts with an operator belongs to the name before it ({@code a >= 1.0, < 2.0}), and
   * several terms on one name form a conjunction. The result has one requirement per name, in
   * order of first mention.
   */
  public static List<Requirement> parseList(String text) {
    Map<PackageName, VersionConstraint> byName = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return List.of();
    }
    PackageName last = null;
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new GuildException("invalid requires '" + text.trim() + "': empty entry");
      }
      Requirement r;
      if (p.matches("[<>=].*")) {
        if (last == null) {
          throw new GuildException(
              "invalid requires '" + text.trim() + "': '" + p + "' names no package");
        }
        r = new Requirement(last, VersionConstraint.parse(p));
      } else {
        r = parse(p);
      }
      byName.merge(r.name(), r.constraint(), VersionConstraint::and);
      last = r.name();
    }
    List<Requirement> out = new ArrayList<>();
    byName.forEach((n, c) -> out.add(new Requirement(n, c)));
    return out;
  }

  /** The requirement as GuildPkg text: {@code name} or {@code name >= 1.0, < 2.0}. */
  @Override
  public String toString() {
    if (constraint.isAny()) {
      return name.value();
    }
    // Repeat the name per term so that parseList reads it back unchanged.
    return constraint.terms().stream()
        .map(t -> name.value() + " " + t)
        .reduce((a, b) -> a + ", " + b)
        .orElseThrow();
  }
}
