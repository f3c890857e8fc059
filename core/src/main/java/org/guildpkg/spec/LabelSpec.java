package org.guildpkg.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildException;

/**
 * A package spec that names a mirror label instead of a version: {@code NAME@LABEL}, such as
 * {@code fashion-mnist-convnet+fashion-mnist@stable}. A label is a name that a mirror's signed
 * index maps to one version per package; it starts with a letter, so it never reads as a version
 * (versions start with a digit).
 *
 * <pre>{@code
 * LabelSpec.parse("convnet+fashion-mnist@stable")   // present: name convnet+fashion-mnist, label stable
 * LabelSpec.parse("convnet+fashion-mnist@1.0")      // empty: a version, not a label
 * }</pre>
 *
 * @param name the package
 * @param label the label, valid by {@link #isValidLabel}
 */
public record LabelSpec(PackageName name, String label) {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
  private static final Pattern SPEC = Pattern.compile("\\s*([^\\s<>=@]+)\\s*@\\s*([A-Za-z]\\S*)\\s*");
  /** The longest label accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /** Checks both parts. */
  public LabelSpec {
    if (name == null) {
      throw new IllegalArgumentException("name is required");
    }
    checkLabel(label);
  }

  /** Tells whether {@code label} is a valid label: a letter, then letters, digits, {@code . _ -}. */
  public static boolean isValidLabel(String label) {
    return label != null && label.length() <= MAX_LENGTH && LABEL.matcher(label).matches();
  }

  /**
   * Returns {@code label} when valid.
   *
   * @throws GuildException naming the bad label
   */
  public static String checkLabel(String label) {
    if (!isValidLabel(label)) {
      throw new GuildException("invalid label '" + label + "': start with a letter, then letters,"
          + " digits and . _ - (at most " + MAX_LENGTH + " characters), such as stable or best");
    }
    return label;
  }

  /**
   * Reads {@code NAME@LABEL}; empty when {@code spec} is anything else (a name, a version, a
   * constraint).
   *
   * @throws GuildException when the part after {@code @} starts with a letter but is no valid
   *     label, or the name is invalid
   */
  public static Optional<LabelSpec> parse(String spec) {
    Matcher m = spec == null ? null : SPEC.matcher(spec);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new LabelSpec(PackageName.of(m.group(1)), m.group(2)));
  }

  /** The spec as written: {@code NAME@LABEL}. */
  @Override
  public String toString() {
    return name + "@" + label;
  }
}
