package org.guildpkg.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The CLI's SLF4J backend: library log lines as the CLI's own ({@code guild: warning: ...},
 * {@code guild: error: ...}), INFO and DEBUG only with {@code -v} (then with the logger's short
 * name). Loggers named in the system property {@code guild.log.errorsOnly} (comma-separated
 * name prefixes, such as {@code org.apache.hadoop}) show only errors unless {@code -v}.
 * {@link GuildCli#main} selects it through SLF4J's {@code slf4j.provider} system property,
 * so it never replaces the backend of an application that uses Guild as a library (it is not
 * registered as a service).
 */
public final class CliLogging implements SLF4JServiceProvider {
  private static volatile Level threshold = Level.WARN;

  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, CliLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  /** Creates the provider; SLF4J calls this. */
  public CliLogging() {}

  /** Sets the lowest level printed: {@code WARN} by default, {@code DEBUG} with {@code -v}. */
  static void threshold(Level level) {
    threshold = level;
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** Formats one log line; visible for tests. */
  static String format(Level level, String logger, String message, Throwable t, boolean verbose) {
    StringBuilder b = new StringBuilder("guild: ");
    b.append(level == Level.WARN ? "warning" : level.name().toLowerCase(Locale.ROOT)).append(": ");
    if (verbose) {
      b.append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ");
    }
    b.append(message);
    if (t != null && !verbose) {
      b.append(" (").append(t).append(')');
    }
    return b.toString();
  }

  private static final class CliLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;

    private final boolean errorsOnly;

    CliLogger(String name) {
      this.name = name;
      boolean e = false;
      for (String prefix : System.getProperty("guild.log.errorsOnly", "").split(",")) {
        e |= !prefix.isBlank() && name.startsWith(prefix.strip());
      }
      this.errorsOnly = e;
    }

    private boolean on(Level level) {
      Level min = errorsOnly && threshold.toInt() >= Level.INFO.toInt() ? Level.ERROR : threshold;
      return level.toInt() >= min.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return on(Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return on(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return on(Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return on(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return on(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return on(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return on(Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return on(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return on(Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return on(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      boolean verbose = threshold.toInt() < Level.INFO.toInt();
      String line = format(level, name, MessageFormatter.basicArrayFormat(pattern, args), t, verbose);
      PrintStream err = System.err;
      synchronized (err) {
        err.println(line);
        if (t != null && verbose) {
          t.printStackTrace(err);
        }
        err.flush();
      }
    }
  }
}
