package org.guildpkg.tf.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.tf.project.Projects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code guild init --template PKG DIR}: starts an editable model project from a source package. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Create an editable model project from a source package (its Java model code and flags).")
public final class InitCommand implements Callable<Integer> {
  @ParentCommand GuildCli parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--template",
      required = true,
      paramLabel = "PKG",
      description = "The source package: an installed package spec (NAME, NAME@VERSION) or a source package folder.")
  String template;

  @Option(names = "--print-vars", description = "List the template's flags (name, default, type, help) and create nothing.")
  boolean printVars;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The new project's folder; must not exist or be empty.")
  Path dir;

  /** Creates the command; picocli calls this. */
  public InitCommand() {}

  @Override
  public Integer call() {
    Projects.Template t = Projects.template(template, parent.home(), parent.offline());
    if (printVars) {
      var out = parent.out();
      t.descriptor().flags().values().forEach(f ->
          out.printf("%-16s %-10s %-6s %s%n", f.name(), f.defaultValue(), f.type().id(), f.help()));
      out.flush();
      return 0;
    }
    if (dir == null) {
      throw new ParameterException(spec.commandLine(), "Missing required parameter: 'DIR'");
    }
    Path project = Projects.init(t, dir);
    parent.err().println("created " + project + " from " + t.source()
        + "; train it with: cd " + dir + " && guild train");
    parent.out().println(project);
    return 0;
  }
}
