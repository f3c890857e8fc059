package org.guildpkg.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Keeps text from packages and mirrors (descriptions, file names, error messages naming them)
 * from driving the terminal: control characters other than tab, line feed and carriage return
 * (ESC sequences that clear the screen, OSC titles, a backspace forging a {@code verify} line),
 * DEL and the C1 controls are printed as {@code \xNN} or {@code \u009b} escapes instead.
 *
 * <pre>{@code
 * PrintWriter out = TerminalText.escaping(commandLine.getOut());
 * }</pre>
 */
public final class TerminalText {
  private TerminalText() {}

  /** {@code text} with every unsafe control character escaped. */
  public static String escape(String text) {
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (b == null) {
          b = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? text : b.toString();
  }

  /** A writer that escapes what passes through it, writing straight through to {@code out}. */
  public static PrintWriter escaping(PrintWriter target) {
    return new PrintWriter(new FilterWriter(target) {
      @Override
      public void write(int c) throws IOException {
        out.write(unsafe((char) c) ? escape(String.valueOf((char) c)) : String.valueOf((char) c));
      }

      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        out.write(escape(new String(cbuf, off, len)));
      }

      @Override
      public void write(String str, int off, int len) throws IOException {
        out.write(escape(str.substring(off, off + len)));
      }

      @Override
      public void flush() {
        target.flush();
      }

      @Override
      public void close() {
        target.flush(); // the command line's writer outlives this view of it
      }
    }, true);
  }

  private static boolean unsafe(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f)
        || c == '\u202e' || c == '\u2066' || c == '\u2067' || c == '\u2068' || c == '\u2069';
  }
}
