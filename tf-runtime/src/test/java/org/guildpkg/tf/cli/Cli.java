package org.guildpkg.tf.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.guildpkg.cli.GuildCli;
import picocli.CommandLine;

/** Runs the real {@code guild} command line in-process and captures what it prints. */
record Cli(int status, String out, String err) {
  static Cli run(String... args) {
    CommandLine cl = GuildCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Cli(status, out.toString(), err.toString());
  }
}
