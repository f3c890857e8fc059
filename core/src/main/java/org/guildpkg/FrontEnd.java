package org.guildpkg;

import org.guildpkg.store.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a front end (the {@code guild} CLI, an IDE plugin, a notebook) hears from a
 * {@link GuildHome}, as libalpm's callbacks: progress of long work, notes (one line per step) and
 * warnings. One progress type serves downloads and extractions alike: a labelled
 * {@link ProgressListener} told bytes done of bytes in all.
 *
 * <pre>{@code
 * GuildHome home = GuildPackages.at(dir).frontEnd(new FrontEnd() {
 *   public void warning(String line) { System.err.println("warning: " + line); }
 * });
 * }</pre>
 *
 * <p>Every method has a default, so a front end overrides only what it shows. Calls may come from
 * any thread; keep them cheap.
 */
public interface FrontEnd {
  /** Logs notes at DEBUG and warnings at WARN through SLF4J, and draws no progress. */
  FrontEnd LOG = new FrontEnd() {
    private final Logger log = LoggerFactory.getLogger(GuildHome.class);

    @Override
    public void note(String line) {
      log.debug(line);
    }

    @Override
    public void warning(String line) {
      log.warn(line);
    }
  };

  /**
   * A listener for one piece of long work: downloading or extracting the file {@code label}
   * (a file name). Default: a listener that ignores every report.
   */
  default ProgressListener progress(String label) {
    return ProgressListener.NONE;
  }

  /** One line about a step ("downloading fashion-mnist@1.0 from main"). Default: ignored. */
  default void note(String line) {}

  /** A warning a person should see (an unsigned mirror, an unreachable one). Default: ignored. */
  default void warning(String line) {}
}
