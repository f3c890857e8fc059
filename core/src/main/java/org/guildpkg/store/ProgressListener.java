package org.guildpkg.store;

/**
 * Told how far a long piece of work (extracting a package) has come, for progress bars.
 *
 * <p>Called from the working thread, often; keep it cheap.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every report. */
  ProgressListener NONE = (done, total) -> {};

  /**
   * Reports progress.
   *
   * @param done bytes done so far
   * @param total bytes in all, as declared up front
   */
  void progress(long done, long total);
}
