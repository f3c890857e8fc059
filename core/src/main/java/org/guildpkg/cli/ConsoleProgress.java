package org.guildpkg.cli;

import java.io.PrintWriter;
import org.guildpkg.transport.ProgressListener;

/**
 * A one-line progress bar for downloads, drawn on the error stream when it is a terminal
 * ({@code System.console() != null}); silent otherwise so that logs and pipes stay clean.
 */
final class ConsoleProgress implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private String label = "";
  private long done;
  private long total;
  private long lastDraw;

  private ConsoleProgress(PrintWriter err) {
    this.err = err;
  }

  /** A progress bar on {@code parent.err()} when on a terminal, else {@link ProgressListener#NONE}. */
  static ProgressListener forCli(GuildCli parent) {
    return System.console() != null ? new ConsoleProgress(parent.err()) : ProgressListener.NONE;
  }

  @Override
  public void start(String label, long done, long total) {
    this.label = label.substring(label.lastIndexOf('/') + 1);
    this.done = done;
    this.total = total;
    draw(true);
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    draw(false);
  }

  @Override
  public void finish() {
    draw(true);
    err.println();
    err.flush();
  }

  private void draw(boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    StringBuilder b = new StringBuilder("\r").append(label).append(" [");
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, done * WIDTH / total);
      b.append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
          .append(done * 100 / total).append("% ");
    } else {
      b.append(" ".repeat(WIDTH)).append("] ");
    }
    b.append(done >> 10).append(" KiB");
    err.print(b);
    err.flush();
  }
}
