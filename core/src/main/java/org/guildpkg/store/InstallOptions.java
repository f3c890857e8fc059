package org.guildpkg.store;

import java.util.Optional;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Version;

/**
 * How {@link Store#install(java.nio.file.Path, InstallOptions)} treats one archive: what package
 * the caller expects it to hold, what the archive file itself must hash to, and whom to tell about
 * progress.
 *
 * <pre>{@code
 * store.install(archive, InstallOptions.defaults().expecting(name, version).withProgress(bar));
 * }</pre>
 *
 * @param expectedName when present, an archive whose manifest names another package is refused
 * @param expectedVersion when present, an archive whose manifest has another version is refused
 * @param progress told about extracted bytes
 * @param checksum when present, the archive file is hashed while it is extracted and nothing is
 *     committed unless its size and sha256 match (so a mirror's file can be installed in place,
 *     read once, without a copy)
 * @param replace when true, an installed package of the same name and version is replaced (even
 *     with the same content), as {@code guild install --reinstall} does; the old one stays until the
 *     new one is fully extracted and checked
 */
public record InstallOptions(
    Optional<PackageName> expectedName, Optional<Version> expectedVersion, ProgressListener progress,
    Optional<ArchiveChecksum> checksum, boolean replace) {

  /** Normalises absent parts. */
  public InstallOptions {
    expectedName = expectedName == null ? Optional.empty() : expectedName;
    expectedVersion = expectedVersion == null ? Optional.empty() : expectedVersion;
    progress = progress == null ? ProgressListener.NONE : progress;
    checksum = checksum == null ? Optional.empty() : checksum;
  }

  /** No expectations, no progress reports. */
  public static InstallOptions defaults() {
    return new InstallOptions(Optional.empty(), Optional.empty(), ProgressListener.NONE, Optional.empty(), false);
  }

  /** A copy that refuses an archive holding anything but {@code name@version}. */
  public InstallOptions expecting(PackageName name, Version version) {
    return new InstallOptions(Optional.of(name), Optional.of(version), progress, checksum, replace);
  }

  /** A copy that reports progress to {@code listener}. */
  public InstallOptions withProgress(ProgressListener listener) {
    return new InstallOptions(expectedName, expectedVersion, listener, checksum, replace);
  }

  /** A copy that refuses an archive file whose size or sha256 differs from {@code expected}. */
  public InstallOptions verifying(ArchiveChecksum expected) {
    return new InstallOptions(expectedName, expectedVersion, progress, Optional.of(expected), replace);
  }

  /** A copy that replaces an installed package of the same name and version (a reinstall). */
  public InstallOptions replacing() {
    return new InstallOptions(expectedName, expectedVersion, progress, checksum, true);
  }
}
