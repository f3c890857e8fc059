package org.guildpkg.transport;

/**
 * Hears how a download advances, so that the CLI can draw a progress bar; library code passes
 * {@link #NONE} and stays silent.
 */
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /** A transfer of {@code total} bytes (-1 when unknown) starts, {@code done} of them already here. */
  default void start(String label, long done, long total) {}

  /** {@code bytes} more bytes arrived. */
  default void advance(long bytes) {}

  /** The transfer ended, successfully or not. */
  default void finish() {}

  /**
   * No transfer was needed: the file {@code label} of {@code size} bytes was in the cache and
   * still matches (called instead of {@link #start}).
   */
  default void cached(String label, long size) {}
}
