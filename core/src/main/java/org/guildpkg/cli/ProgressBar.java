package org.guildpkg.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.guildpkg.store.ProgressListener;

/**
 * A one-line progress bar on stderr for long work such as extracting or downloading, drawn only
 * when a person is watching (stderr is a terminal, no {@code -q}) and the work is large enough to
 * notice, with the rate and the time left ({@code 12.3 MB/s, 0:04 left}) once they can be told.
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
  private final LongSupplier nanoTime;
  private int lastPermille = -1;
  private long firstNanos;
  private long firstDone = -1;

  private ProgressBar(PrintWriter err, String label, LongSupplier nanoTime) {
    this.err = err;
    this.label = label;
    this.nanoTime = nanoTime;
  }

  /** A bar whose rate and time left are measured with {@code nanoTime} (a test's clock). */
  static ProgressBar withClock(PrintWriter err, String label, LongSupplier nanoTime) {
    return new ProgressBar(err, label, nanoTime);
  }

  /** A bar on {@code err} when stderr is a terminal (ignores {@code -q}: prefer {@link GuildCli#progressBar}). */
  static ProgressListener onTerminal(PrintWriter err, String label) {
    return Terminal.stderrIsTerminal() ? on(err, label) : ProgressListener.NONE;
  }

  /** A bar on {@code err}; {@link GuildCli#progressBar} decides whether to draw one at all. */
  static ProgressListener on(PrintWriter err, String label) {
    return new ProgressBar(err, label, System::nanoTime);
  }

  @Override
  public void progress(long done, long total) {
    if (total < MIN_BYTES) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (firstDone < 0) {
      firstDone = done; // a resumed download starts with bytes that took no time now
      firstNanos = now;
    }
    int permille = (int) Math.min(1000, done * 1000 / total);
    if (permille == lastPermille || (permille - lastPermille < 5 && done < total)) {
      return;
    }
    lastPermille = permille;
    int filled = permille * WIDTH / 1000;
    err.printf("\r%s [%s%s] %3d%% %,.1f/%,.1f MB%s", label, "#".repeat(filled),
        " ".repeat(WIDTH - filled), permille / 10, done / 1e6, total / 1e6,
        rate(done, total, now));
    if (done >= total) {
      err.println();
    }
    err.flush();
  }

  /**
   * ", 12.3 MB/s, 0:04 left" (the time left only before the end), or "" before a rate can be
   * told: less than a fifth of a second measured, or no byte since the first report. Padded so
   * that a shorter line overwrites a longer one.
   */
  private String rate(long done, long total, long now) {
    long nanos = now - firstNanos;
    long bytes = done - firstDone;
    if (nanos < 200_000_000L || bytes <= 0) {
      return "";
    }
    double perSecond = bytes * 1e9 / nanos;
    String text = String.format(Locale.ROOT, ", %.1f MB/s", perSecond / 1e6);
    if (done < total) {
      long left = (long) Math.ceil((total - done) / perSecond);
      text += ", " + (left >= 3600
          ? String.format(Locale.ROOT, "%d:%02d:%02d", left / 3600, left / 60 % 60, left % 60)
          : String.format(Locale.ROOT, "%d:%02d", left / 60, left % 60)) + " left";
    }
    return String.format("%-24s", text);
  }
}
