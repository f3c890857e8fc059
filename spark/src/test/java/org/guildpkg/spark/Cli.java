package org.guildpkg.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.cli.GuildCli;
import picocli.CommandLine;

/** Test helper: runs the guild CLI in this JVM (with every extension on the class path). */
final class Cli {
  private Cli() {}

  record Outcome(int status, String out, String err) {}

  static Outcome run(Path home, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    CommandLine cl = GuildCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(all.toArray(String[]::new));
    return new Outcome(status, out.toString(), err.toString());
  }
}
