package org.guildpkg.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a person watches the CLI's standard error, so that progress may be redrawn in place.
 *
 * <p>{@code System.console() != null} is not enough: from JDK 22 on, {@code System.console()} is
 * never null, even on a pipe. In order: the launcher's answer ({@code -Dguild.stderr.tty=true|false},
 * from the shell's {@code test -t 2}); on Linux the target of {@code /proc/self/fd/2}; on JDK 22+
 * {@code Console.isTerminal()} (called reflectively, this code compiles for 17); else whether a
 * console is attached.
 */
final class Terminal {
  /** The system property the launchers set from {@code test -t 2}. */
  static final String STDERR_TTY_PROPERTY = "guild.stderr.tty";

  private Terminal() {}

  /** True when standard error is a terminal. */
  static boolean stderrIsTerminal() {
    String told = System.getProperty(STDERR_TTY_PROPERTY);
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.isSymbolicLink(fd)) {
      try {
        return isTerminalDevice(Files.readSymbolicLink(fd).toString());
      } catch (IOException | UnsupportedOperationException e) {
        // fall through to the console
      }
    }
    return consoleIsTerminal(System.console(), Runtime.version().feature());
  }

  /** True for the device paths of terminals: pseudo-terminals, virtual consoles, the console. */
  static boolean isTerminalDevice(String path) {
    return path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console");
  }

  /** On JDK 22+ asks {@code Console.isTerminal()}; before, any console is a terminal. */
  static boolean consoleIsTerminal(Console console, int javaFeatureVersion) {
    if (console == null) {
      return false;
    }
    if (javaFeatureVersion < 22) {
      return true;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | ClassCastException e) {
      return false;
    }
  }
}
