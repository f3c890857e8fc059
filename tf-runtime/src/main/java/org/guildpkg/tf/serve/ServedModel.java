package org.guildpkg.tf.serve;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One version of a model that a {@link ModelServer} serves.
 *
 * @param name the model's name in the URLs ({@code /v1/models/NAME}): the package's name
 * @param version the integer version TensorFlow Serving's API uses ({@code /versions/N})
 * @param packageVersion the package version it was made from, also accepted as a label
 *     ({@code /labels/1.0-rc1}); empty for a bare SavedModel folder
 * @param path the SavedModel's folder
 */
public record ServedModel(String name, long version, Optional<String> packageVersion, Path path) {
  /** Checks that the parts are present and the version is not negative. */
  public ServedModel {
    if (name == null || packageVersion == null || path == null) {
      throw new IllegalArgumentException("name, packageVersion and path are required");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0: " + version);
    }
  }

  @Override
  public String toString() {
    return name + " version " + version + packageVersion.map(v -> " (package version " + v + ")").orElse("");
  }
}
