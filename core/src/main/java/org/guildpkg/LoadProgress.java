package org.guildpkg;

/**
 * Told how a load that installs a package advances, as DJL's {@code Criteria.optProgress}
 * listener is: for each archive downloaded from a mirror and for each install (extraction), the
 * bytes done of the bytes in all, growing to {@code total}. A package already installed, or an
 * archive already in the download cache, is not downloaded and reports no download.
 *
 * <pre>{@code
 * GuildPackage model = GuildPackages.load("fashion-mnist-convnet+fashion-mnist",
 *     (step, done, total) -> System.err.printf("%s %d%%%n", step, done * 100 / total));
 * }</pre>
 *
 * <p>Called from the loading thread, often (every 64 KiB or so): keep it cheap.
 */
@FunctionalInterface
public interface LoadProgress {
  /**
   * Reports progress of one step.
   *
   * @param step the archive's file name ({@code NAME-VERSION.pkg.tar.zst}) while it downloads,
   *     {@code "extracting"} while the store installs a package
   * @param done bytes done so far in this step
   * @param total bytes in all in this step (more than 0)
   */
  void progress(String step, long done, long total);
}
