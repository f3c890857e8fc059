package org.guildpkg.store;

import java.util.Objects;

/**
 * What a mirror's index declares about an archive file, for {@link Store#install} to check while
 * it reads the archive: the size and sha256 of the raw (compressed) file, and where it came from.
 *
 * <pre>{@code
 * store.install(file, InstallOptions.defaults().verifying(
 *     new ArchiveChecksum(entry.size(), entry.sha256(), transport.resolve(entry.file()).toString())));
 * }</pre>
 *
 * @param size the archive's size in bytes
 * @param sha256 the archive's sha256, lowercase hex
 * @param source the archive's URL, named in the error when the file does not match
 */
public record ArchiveChecksum(long size, String sha256, String source) {
  /** Checks the parts. */
  public ArchiveChecksum {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(source, "source");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, not " + size);
    }
  }

  /** The error for a file that does not match, in the words of a download's checksum error. */
  String mismatch(long gotSize, boolean sameSize) {
    return "checksum mismatch for " + source + ": expected " + size + " bytes with sha256 " + sha256
        + " but got " + gotSize + " bytes" + (sameSize ? " with another sha256" : "")
        + "; the mirror's file or index is corrupt or was tampered with";
  }
}
