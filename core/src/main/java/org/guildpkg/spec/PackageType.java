package org.guildpkg.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.guildpkg.GuildException;

/** What a package holds: a dataset, a trained model, or model source code. */
public enum PackageType {
  /** TFRecord shards per split, with splits, features and class names in the manifest. */
  DATASET,
  /** A SavedModel, with its signatures, lineage and metrics in the manifest. */
  MODEL,
  /** Model code and its flags, from which {@code guild init} makes a project. */
  SOURCE;

  /** The lowercase name used in GuildPkg files, manifests and indexes. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code dataset}, {@code model} or {@code source}, naming the bad value otherwise. */
  public static PackageType of(String id) {
    for (PackageType t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    throw new GuildException(
        "unknown package type '" + id + "': expected one of "
            + Arrays.stream(values()).map(PackageType::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id();
  }
}
