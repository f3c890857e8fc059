package org.guildpkg.store;

import java.util.Optional;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * How {@link Store#install(java.nio.file.Path, InstallOptions)} treats one archive: what package
 * the caller expects it to hold, and whom to tell about progress.
 *
 * <pre>{@code
 * store.install(archive, InstallOptions.defaults().expecting(name, version).withProgress(bar));
 * }</pre>
 *
 * @param expectedName when present, an archive whose manifest names another package is refused
 * @param expectedVersion when present, an archive whose manifest has another version is refused
 * @param progress told about extracted bytes
 */
public record InstallOptions(
    Optional<PackageName> expectedName, Optional<Version> expectedVersion, ProgressListener progress) {

  /** Normalises absent parts. */
  public InstallOptions {
    expectedName = expectedName == null ? Optional.empty() : expectedName;
    expectedVersion = expectedVersion == null ? Optional.empty() : expectedVersion;
    progress = progress == null ? ProgressListener.NONE : progress;
  }

  /** No expectations, no progress reports. */
  public static InstallOptions defaults() {
    return new InstallOptions(Optional.empty(), Optional.empty(), ProgressListener.NONE);
  }

  /** A copy that refuses an archive holding anything but {@code name@version}. */
  public InstallOptions expecting(PackageName name, Version version) {
    return new InstallOptions(Optional.of(name), Optional.of(version), progress);
  }

  /** A copy that reports progress to {@code listener}. */
  public InstallOptions withProgress(ProgressListener listener) {
    return new InstallOptions(expectedName, expectedVersion, listener);
  }
}
