package org.guildpkg.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the {@code guild} command line in-process with {@code --home}, capturing what it prints.
 *
 * <p>Shared by the CLI tests of every package, so that each does not keep its own runner.
 *
 * @param status the exit status
 * @param out what the command printed to standard output
 * @param err what the command printed to standard error
 */
public record CliRun(int status, String out, String err) {

  /** Runs {@code guild --home HOME ARGS...}. */
  public static CliRun guild(Path home, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return run(all);
  }

  /** Runs {@code guild ARGS...} as given (global options such as {@code --home} included). */
  public static CliRun run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = GuildCli.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    int status = cl.execute(args);
    return new CliRun(status, o.toString(), e.toString());
  }

  /** The last line of standard output (a command's result, such as an archive's path), or "". */
  public String lastLine() {
    List<String> lines = out.lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
