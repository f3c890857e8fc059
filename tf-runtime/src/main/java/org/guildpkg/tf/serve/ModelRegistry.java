package org.guildpkg.tf.serve;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.guildpkg.GuildException;

/**
 * The models a server serves, by name and integer version, and how a request's version or label
 * selects one. Changes replace a name's version map whole, so lookups never lock.
 */
final class ModelRegistry {
  /** Labels that name the highest version of every model. */
  static final List<String> HIGHEST_LABELS = List.of("latest", "stable");

  private final Map<String, NavigableMap<Long, Servable>> models = new ConcurrentHashMap<>();

  synchronized void add(Servable s) {
    NavigableMap<Long, Servable> versions = new TreeMap<>(models.getOrDefault(s.info.name(), new TreeMap<>()));
    Servable old = versions.get(s.info.version());
    if (old != null) {
      throw new GuildException("model " + s.info.name() + " already serves version "
          + s.info.version() + " (" + old.info.path() + "); remove it first to serve "
          + s.info.path() + " as that version");
    }
    if (s.info.packageVersion().isPresent()) {
      for (Servable o : versions.values()) {
        if (o.info.packageVersion().equals(s.info.packageVersion())) {
          throw new GuildException("model " + s.info.name() + " already serves package version "
              + o.info.packageVersion().get() + " as version " + o.info.version());
        }
      }
    }
    versions.put(s.info.version(), s);
    models.put(s.info.name(), Collections.unmodifiableNavigableMap(versions));
  }

  /** Removes versions of a model ({@code version} empty: all) and returns what it removed. */
  synchronized List<Servable> remove(String name, OptionalLong version) {
    NavigableMap<Long, Servable> versions = models.get(name);
    if (versions == null) {
      return List.of();
    }
    TreeMap<Long, Servable> left = new TreeMap<>(versions);
    List<Servable> removed = new ArrayList<>();
    if (version.isPresent()) {
      Servable s = left.remove(version.getAsLong());
      if (s != null) {
        removed.add(s);
      }
    } else {
      removed.addAll(left.values());
      left.clear();
    }
    if (left.isEmpty()) {
      models.remove(name);
    } else {
      models.put(name, Collections.unmodifiableNavigableMap(left));
    }
    return removed;
  }

  /** Every served version, by name then version. */
  List<ServedModel> list() {
    List<ServedModel> out = new ArrayList<>();
    new TreeMap<>(models).forEach((n, v) -> v.values().forEach(s -> out.add(s.info)));
    return out;
  }

  /** The served versions of {@code name}, lowest first; empty when the model is unknown. */
  List<Servable> versions(String name) {
    NavigableMap<Long, Servable> v = models.get(name);
    return v == null ? List.of() : List.copyOf(v.values());
  }

  /** The package versions a model serves (to number a new one by rank). */
  List<String> packageVersions(String name) {
    return versions(name).stream().flatMap(s -> s.info.packageVersion().stream()).toList();
  }

  /**
   * The servable a request names, acquired for the request (release it after): the highest
   * version when neither a version nor a label is given.
   *
   * @throws ApiException 404 with TensorFlow Serving's message when there is no such servable
   */
  Servable acquire(String name, OptionalLong version, Optional<String> label) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Servable s = find(name, version, label);
      if (s.acquire()) {
        return s;
      }
      // Removed between the lookup and the acquire: look again.
    }
    throw ApiException.notFound("Servable not found for request: " + request(name, version, label));
  }

  private Servable find(String name, OptionalLong version, Optional<String> label) {
    NavigableMap<Long, Servable> versions = models.get(name);
    if (versions == null || versions.isEmpty()) {
      throw ApiException.notFound("Servable not found for request: " + request(name, version, label));
    }
    if (version.isPresent()) {
      Servable s = versions.get(version.getAsLong());
      if (s == null) {
        throw ApiException.notFound("Servable not found for request: " + request(name, version, label));
      }
      return s;
    }
    if (label.isPresent()) {
      String l = label.get();
      for (Servable s : versions.values()) {
        if (s.info.packageVersion().map(l::equals).orElse(false)) {
          return s;
        }
      }
      if (HIGHEST_LABELS.contains(l)) {
        return versions.lastEntry().getValue();
      }
      throw ApiException.notFound("Unrecognized servable version label: " + l + " of model " + name
          + "; labels: its package versions, " + String.join(", ", HIGHEST_LABELS));
    }
    return versions.lastEntry().getValue();
  }

  private static String request(String name, OptionalLong version, Optional<String> label) {
    if (version.isPresent()) {
      return "Specific(" + name + ", " + version.getAsLong() + ")";
    }
    return label.map(l -> "Label(" + name + ", " + l + ")").orElse("Latest(" + name + ")");
  }
}
