package org.guildpkg.tf.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the first SIGINT (Ctrl-C) or SIGTERM during {@code guild train} into a request to stop at
 * the next step boundary, so that the run can write a checkpoint and say how to resume; a second
 * signal does what the JVM would have done (exit at once, status 128 + signal).
 *
 * <p>A handler in the JVM's signal thread, not a shutdown hook: the JVM keeps running, and the
 * command returns its exit status (130 or 143) after the checkpoint like any other.
 *
 * <pre>{@code
 * try (StopOnSignal stop = StopOnSignal.install(err)) {
 *   RunFolder run = TrainingJob.start(request, listeners, stop);
 * }
 * }</pre>
 */
final class StopOnSignal implements BooleanSupplier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StopOnSignal.class);

  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final PrintWriter err;
  private volatile Signal received;

  private StopOnSignal(PrintWriter err) {
    this.err = err;
  }

  /** Handles SIGINT and SIGTERM until {@link #close()}; {@code err} hears about the first one. */
  static StopOnSignal install(PrintWriter err) {
    StopOnSignal s = new StopOnSignal(err);
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal sig = new Signal(name);
        s.previous.put(sig, Signal.handle(sig, s::handle));
      } catch (IllegalArgumentException e) {
        // -Xrs, or the platform keeps the signal: the JVM's default stays (exit without a checkpoint)
        log.debug("cannot handle SIG{}: {}", name, e.toString());
      }
    }
    return s;
  }

  private void handle(Signal sig) {
    if (received != null) {
      SignalHandler before = previous.get(sig);
      if (before != null && before != SignalHandler.SIG_IGN && before != SignalHandler.SIG_DFL) {
        before.handle(sig); // the JVM's own: shutdown hooks, then exit 128 + signal
      } else {
        Runtime.getRuntime().halt(128 + sig.getNumber());
      }
      return;
    }
    received = sig;
    err.println();
    err.println("guild: SIG" + sig.getName() + ": stopping after this step to write a checkpoint"
        + " (again to stop at once, losing the steps since the last checkpoint)");
    err.flush();
  }

  /** True once a signal asked to stop. */
  @Override
  public boolean getAsBoolean() {
    return received != null;
  }

  /** The exit status a process stopped by that signal has: 130 for SIGINT, 143 for SIGTERM. */
  int exitStatus() {
    Signal s = received;
    return s == null ? 0 : 128 + s.getNumber();
  }

  /** Gives the signals back to the handlers they had before. */
  @Override
  public void close() {
    previous.forEach((sig, h) -> {
      try {
        Signal.handle(sig, h);
      } catch (IllegalArgumentException e) {
        log.debug("cannot restore the handler of SIG{}: {}", sig.getName(), e.toString());
      }
    });
  }
}
