package org.guildpkg.tf.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.guildpkg.tf.train.TrainingListener;

/**
 * The CLI's training progress: a bar redrawn in place on a terminal, or a plain line every 5% of
 * the steps when the output goes to a file or pipe.
 */
final class ProgressPrinter implements TrainingListener {
  private static final int WIDTH = 24;
  private final PrintWriter err;
  private final boolean terminal;
  private long lastDraw;
  private long lastFeatureLine = -1;

  ProgressPrinter(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  @Override
  public void onStep(StepEvent e) {
    String acc = e.accuracy().map(a -> String.format(Locale.ROOT, "  accuracy %.3f", a)).orElse("");
    String stats = String.format(Locale.ROOT, "step %d/%d  epoch %d  loss %.4f%s  %.0f examples/s",
        e.step(), e.totalSteps(), e.epoch() + 1, e.loss(), acc, e.examplesPerSecond());
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && e.step() != e.totalSteps()) {
        return; // redraw at most 10 times a second
      }
      lastDraw = now;
      int done = (int) (WIDTH * e.step() / Math.max(1, e.totalSteps()));
      err.print("\r[" + "=".repeat(done) + " ".repeat(WIDTH - done) + "] " + stats + "  ");
      if (e.step() == e.totalSteps()) {
        err.println();
      }
      err.flush();
    } else {
      long every = Math.max(1, e.totalSteps() / 20);
      if (e.step() % every == 0 || e.step() == e.totalSteps()) {
        err.println(stats);
        err.flush();
      }
    }
  }

  /**
   * Feature extraction's progress (transfer learning): the same bar on a terminal, else a line
   * every 5% of the images.
   */
  void onFeatures(String split, long done, long total, double imagesPerSecond) {
    String stats = String.format(Locale.ROOT, "features of %s: %d/%d images  %.1f images/s",
        split, done, total, imagesPerSecond);
    if (terminal) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && done != total) {
        return;
      }
      lastDraw = now;
      int bar = (int) (WIDTH * done / Math.max(1, total));
      err.print("\r[" + "=".repeat(bar) + " ".repeat(WIDTH - bar) + "] " + stats + "  ");
      if (done == total) {
        err.println();
      }
      err.flush();
    } else {
      long every = Math.max(1, total / 20);
      if (done / every != lastFeatureLine || done == total) {
        lastFeatureLine = done / every;
        err.println(stats);
        err.flush();
      }
    }
  }

  @Override
  public void onValidation(long step, org.guildpkg.tf.train.Evaluation e) {
    err.println((terminal ? "\r" : "") + String.format(Locale.ROOT,
        "validation at step %d: loss %.4f  accuracy %.4f  (%d examples)", step, e.loss(), e.accuracy(), e.examples())
        + (terminal ? " ".repeat(20) : ""));
    err.flush();
  }

  @Override
  public void onCheckpoint(long step, java.nio.file.Path checkpoint) {
    if (!terminal) {
      err.println("checkpoint at step " + step + ": " + checkpoint);
      err.flush();
    }
  }
}
