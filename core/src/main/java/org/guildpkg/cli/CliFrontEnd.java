package org.guildpkg.cli;

import java.util.HashSet;
import java.util.Set;
import org.guildpkg.FrontEnd;
import org.guildpkg.store.ProgressListener;

/**
 * The CLI's {@link FrontEnd}: progress bars on a terminal, notes as lines on standard error
 * (neither with {@code -q}),
 * warnings as {@code guild: warning: ...} lines (each once).
 */
final class CliFrontEnd implements FrontEnd {
  private final GuildCli cli;
  private final Set<String> warned = new HashSet<>();

  CliFrontEnd(GuildCli cli) {
    this.cli = cli;
  }

  @Override
  public ProgressListener progress(String label) {
    return cli.progressBar(label);
  }

  @Override
  public synchronized void note(String line) {
    cli.progressLines().accept(line);
  }

  @Override
  public synchronized void warning(String line) {
    if (warned.add(line)) {
      cli.err().println("guild: warning: " + line);
      cli.err().flush();
    }
  }
}
