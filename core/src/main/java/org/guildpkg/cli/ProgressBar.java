package org.guildpkg.cli;

import java.io.PrintWriter;
import org.guildpkg.store.ProgressListener;

/**
 * A one-line progress bar on stderr for long work such as extracting or downloading, drawn only
 * when a person is watching (stderr is a terminal, no {@code -q}) and the work is large enough to notice.
 *
 * <pre>{@code
 * ProgressListener bar = parent.progressBar("fashion-mnist-1.0.pkg.tar.zst");
 * }</pre>
 */
final class ProgressBar implements ProgressListener {
  private static final long MIN_BYTES = 8L << 20;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private int lastPermille = -1;

  private ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  /** A bar on {@code err} when stderr is a terminal (ignores {@code -q}: prefer {@link GuildCli#progressBar}). */
  static ProgressListener onTerminal(PrintWriter err, String label) {
    return Terminal.stderrIsTerminal() ? new ProgressBar(err, label) : ProgressListener.NONE;
  }

  /** A bar on {@code err}; {@link GuildCli#progressBar} decides whether to draw one at all. */
  static ProgressListener on(PrintWriter err, String label) {
    return new ProgressBar(err, label);
  }

  @Override
  public void progress(long done, long total) {
    if (total < MIN_BYTES) {
      return;
    }
    int permille = (int) Math.min(1000, done * 1000 / total);
    if (permille == lastPermille || (permille - lastPermille < 5 && done < total)) {
      return;
    }
    lastPermille = permille;
    int filled = permille * WIDTH / 1000;
    err.printf("\r%s [%s%s] %3d%% %,.1f/%,.1f MB", label, "#".repeat(filled),
        " ".repeat(WIDTH - filled), permille / 10, done / 1e6, total / 1e6);
    if (done >= total) {
      err.println();
    }
    err.flush();
  }
}
