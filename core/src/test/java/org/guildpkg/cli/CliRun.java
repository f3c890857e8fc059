package org.guildpkg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Runs the {@code guild} command line in-process with {@code --home}, capturing what it prints.
 *
 * @param status the exit status
 */
public record CliRun(int status, String out, String err) {

  /** Runs {@code guild --home HOME ARGS...}. */
  public static CliRun guild(Path home, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = GuildCli.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int status = cl.execute(all);
    return new CliRun(status, o.toString(), e.toString());
  }
}
