package org.guildpkg.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;

/**
 * A condition on versions: a conjunction of comparisons such as {@code >= 1.0, < 2.0}; the empty
 * constraint ({@link #ANY}) accepts every version.
 *
 * <p>Operators: {@code =}, {@code >=}, {@code >}, {@code <=}, {@code <}; pip's {@code ==} is
 * read as {@code =} (and printed as {@code =}).
 */
public final class VersionConstraint {
  /** Accepts every version. */
  public static final VersionConstraint ANY = new VersionConstraint(List.of());

  private static final Pattern TERM = Pattern.compile("\\s*(>=|<=|==|=|>|<)\\s*(\\S+)\\s*");

  /** One comparison of a conjunction. */
  public record Term(String op, Version version) {
    boolean test(Version v) {
      int c = v.compareTo(version);
      return switch (op) {
        case "=" -> c == 0;
        case ">=" -> c >= 0;
        case ">" -> c > 0;
        case "<=" -> c <= 0;
        case "<" -> c < 0;
        default -> throw new IllegalStateException(op);
      };
    }

    @Override
    public String toString() {
      return op + " " + version;
    }
  }

  private final List<Term> terms;

  private VersionConstraint(List<Term> terms) {
    this.terms = List.copyOf(terms);
  }

  /**
   * Parses {@code ">= 1.0"}, {@code "=2"}, {@code "==2"} (pip's spelling of {@code =}),
   * {@code ">=1.0, <2.0"}; blank text is {@link #ANY}.
   *
   * @throws GuildException naming the text when a term does not parse
   */
  public static VersionConstraint parse(String text) {
    if (text == null || text.isBlank()) {
      return ANY;
    }
    List<Term> terms = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      Matcher m = TERM.matcher(part);
      if (!m.matches() || !Version.isValid(m.group(2))) {
        throw new GuildException(
            "invalid version constraint '" + text.trim() + "': expected terms like '>= 1.0',"
                + " joined by commas, with operators = (or ==) >= > <= <");
      }
      terms.add(new Term(m.group(1).equals("==") ? "=" : m.group(1), Version.parse(m.group(2))));
    }
    return new VersionConstraint(terms);
  }

  /** The constraint that accepts exactly {@code version}. */
  public static VersionConstraint exactly(Version version) {
    return new VersionConstraint(List.of(new Term("=", version)));
  }

  /** A constraint that holds when both this and {@code other} hold. */
  public VersionConstraint and(VersionConstraint other) {
    List<Term> all = new ArrayList<>(terms);
    all.addAll(other.terms);
    return new VersionConstraint(all);
  }

  /** The comparisons of this conjunction; empty for {@link #ANY}. */
  public List<Term> terms() {
    return terms;
  }

  /** Tells whether {@code version} satisfies every term. */
  public boolean test(Version version) {
    return terms.stream().allMatch(t -> t.test(version));
  }

  /** True for the constraint that accepts every version. */
  public boolean isAny() {
    return terms.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionConstraint c && c.terms.equals(terms);
  }

  @Override
  public int hashCode() {
    return terms.hashCode();
  }

  /** The constraint as parseable text, such as {@code >= 1.0, < 2.0}; empty for {@link #ANY}. */
  @Override
  public String toString() {
    return terms.stream().map(Term::toString).collect(Collectors.joining(", "));
  }
}
