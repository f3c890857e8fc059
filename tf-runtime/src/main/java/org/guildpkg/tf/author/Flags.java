package org.guildpkg.tf.author;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.guildpkg.GuildException;

/**
 * The flag values of one training run: every declared flag's default, overridden by the values
 * a user gave ({@code guild train --flag learning_rate=0.01}).
 *
 * <pre>{@code
 * Flags flags = Flags.resolve(specs, Map.of("learning_rate", "0.01"));
 * float lr = flags.getFloat("learning_rate");
 * }</pre>
 */
public final class Flags {
  private final Map<String, FlagSpec> specs;
  private final Map<String, String> values;

  private Flags(Map<String, FlagSpec> specs, Map<String, String> values) {
    this.specs = specs;
    this.values = values;
  }

  /**
   * Applies {@code overrides} to the defaults of {@code specs}.
   *
   * @throws GuildException for a flag that is not declared (naming the declared ones) or a value
   *     of the wrong type
   */
  public static Flags resolve(Map<String, FlagSpec> specs, Map<String, String> overrides) {
    Map<String, FlagSpec> s = Collections.unmodifiableMap(new TreeMap<>(specs));
    Map<String, String> v = new TreeMap<>();
    s.forEach((name, spec) -> v.put(name, spec.defaultValue()));
    overrides.forEach(
        (name, value) -> {
          FlagSpec spec = s.get(name);
          if (spec == null) {
            throw new GuildException(
                "unknown flag '" + name + "'; this model's flags are: "
                    + (s.isEmpty() ? "none" : String.join(", ", s.keySet())));
          }
          spec.type().check(name, value);
          v.put(name, value);
        });
    return new Flags(s, Collections.unmodifiableMap(v));
  }

  /** The declared flags, by name. */
  public Map<String, FlagSpec> specs() {
    return specs;
  }

  /** Every flag's value as text, sorted by name (what a run's {@code flags.json} records). */
  public Map<String, String> values() {
    return new LinkedHashMap<>(values);
  }

  /** A flag's value as text. */
  public String get(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new GuildException(
          "the model asks for flag '" + name + "', which it does not declare; declared: "
              + String.join(", ", specs.keySet()));
    }
    return v;
  }

  /** A float flag's value. */
  public float getFloat(String name) {
    return Float.parseFloat(get(name));
  }

  /** An int flag's value. */
  public int getInt(String name) {
    return Math.toIntExact(Long.parseLong(get(name)));
  }

  /** A bool flag's value. */
  public boolean getBool(String name) {
    return Boolean.parseBoolean(get(name));
  }

  /** A float flag's value, or {@code fallback} when the model does not declare the flag. */
  public float getFloat(String name, float fallback) {
    return values.containsKey(name) ? getFloat(name) : fallback;
  }

  /** An int flag's value, or {@code fallback} when the model does not declare the flag. */
  public int getInt(String name, int fallback) {
    return values.containsKey(name) ? getInt(name) : fallback;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
