package org.guildpkg.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;

/**
 * A package version: dotted numbers with an optional pre-release suffix, such as {@code 1},
 * {@code 1.10}, {@code 2.0-rc1}.
 *
 * <p>The order is total and documented:
 * <ol>
 *   <li>Numeric segments compare as numbers, left to right ({@code 1.10 > 1.9}); a missing
 *       segment counts as zero ({@code 1.0.1 > 1}).
 *   <li>When the numbers tie, a version with a suffix is a pre-release and sorts before the
 *       release ({@code 1.0-rc1 < 1.0}); two suffixes compare by runs, digit runs as numbers
 *       and other runs as text ({@code rc2 < rc10}, {@code alpha < beta}).
 *   <li>When both still tie, fewer written segments sort first ({@code 1 < 1.0}), and last the
 *       text itself ({@code 1.01 < 1.1}), so that only equal strings compare equal.
 * </ol>
 */
public record Version(String value) implements Comparable<Version> {
  private static final Pattern VALID = Pattern.compile("(\\d+(?:\\.\\d+)*)(?:-([A-Za-z0-9.]+))?");
  private static final Pattern RUN = Pattern.compile("\\d+|[^\\d.]+");

  /** The longest version accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /** Checks {@code value}; use {@link #parse(String)} in code. */
  public Version {
    if (value != null && value.length() > MAX_LENGTH) {
      throw new GuildException("invalid version '" + value.substring(0, 32) + "...' ("
          + value.length() + " characters): at most " + MAX_LENGTH);
    }
    if (value == null || !VALID.matcher(value).matches()) {
      throw new GuildException(
          "invalid version '" + value + "': expected dotted numbers with an optional -suffix,"
              + " such as 1.2 or 2.0-rc1");
    }
  }

  /** Parses a version, failing with a message that names the bad value. */
  public static Version parse(String value) {
    return new Version(value == null ? null : value.trim());
  }

  /** Tells whether {@code value} is a valid version. */
  public static boolean isValid(String value) {
    return value != null && value.length() <= MAX_LENGTH && VALID.matcher(value).matches();
  }

  /** The numeric segments, as written (leading zeros kept). */
  public List<String> segments() {
    return List.of(numbers().split("\\."));
  }

  /** True when this version has a pre-release suffix. */
  public boolean isPreRelease() {
    return suffix() != null;
  }

  private String numbers() {
    Matcher m = VALID.matcher(value);
    m.matches();
    return m.group(1);
  }

  private String suffix() {
    Matcher m = VALID.matcher(value);
    m.matches();
    return m.group(2);
  }

  @Override
  public int compareTo(Version other) {
    List<String> a = segments();
    List<String> b = other.segments();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int c = compareNumbers(i < a.size() ? a.get(i) : "0", i < b.size() ? b.get(i) : "0");
      if (c != 0) {
        return c;
      }
    }
    String sa = suffix();
    String sb = other.suffix();
    if (sa == null ^ sb == null) {
      return sa == null ? 1 : -1;
    }
    if (sa != null) {
      int c = compareSuffixes(sa, sb);
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(a.size(), b.size());
    return c != 0 ? c : value.compareTo(other.value);
  }

  private static int compareSuffixes(String a, String b) {
    List<String> ra = runs(a);
    List<String> rb = runs(b);
    for (int i = 0; i < Math.min(ra.size(), rb.size()); i++) {
      String x = ra.get(i);
      String y = rb.get(i);
      boolean nx = Character.isDigit(x.charAt(0));
      boolean ny = Character.isDigit(y.charAt(0));
      int c;
      if (nx && ny) {
        c = compareNumbers(x, y);
      } else if (nx != ny) {
        c = nx ? 1 : -1; // a number outranks a word: rc.1 > rc.a
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ra.size(), rb.size());
  }

  private static List<String> runs(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = RUN.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Compares two digit strings as numbers of any length. */
  private static int compareNumbers(String x, String y) {
    String a = x.replaceFirst("^0+(?=.)", "");
    String b = y.replaceFirst("^0+(?=.)", "");
    int c = Integer.compare(a.length(), b.length());
    return c != 0 ? c : a.compareTo(b);
  }

  @Override
  public String toString() {
    return value;
  }
}
