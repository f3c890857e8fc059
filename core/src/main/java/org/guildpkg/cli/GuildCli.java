package org.guildpkg.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.spi.CliExtension;
import org.guildpkg.store.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code guild} command: global options and the subcommands of core and of every
 * {@link CliExtension} on the class path.
 *
 * <p>Exit status: 0 on success, 1 on an error (one line on stderr starting {@code guild: }), 2 on a
 * usage error. The global options ({@code --home}, {@code --offline}, {@code -v}, {@code -q}) are
 * accepted before or after the subcommand.
 *
 * <p>Output: results on stdout, progress on stderr (bars only on a terminal), warnings as
 * {@code guild: warning: ...}; library log lines (SLF4J) only from warnings up unless {@code -v}.
 */
@Command(
    name = "guild",
    mixinStandardHelpOptions = true,
    versionProvider = GuildCli.VersionProvider.class,
    description = "Installable TensorFlow models, datasets and model sources for the JVM.",
    subcommands = {CommandLine.HelpCommand.class})
public final class GuildCli implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Guild's home folder (default: $GUILD_HOME, else $HOME/.guild).")
  Path home;

  @Option(
      names = "--offline",
      scope = ScopeType.INHERIT,
      description = "Make no network call at all (default: on when GUILD_OFFLINE=1).")
  boolean offline;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show detail: the libraries' log lines and (through the launcher) TensorFlow's"
          + " native log (default: warnings only).")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      scope = ScopeType.INHERIT,
      description = "Print results, warnings and errors only: no progress (default: progress on stderr).")
  boolean quiet;

  /** The home folder: {@code --home}, else {@code $GUILD_HOME}, else {@code $HOME/.guild}. */
  public Path home() {
    return home != null ? home.toAbsolutePath() : GuildPackages.defaultHome();
  }

  /** True when {@code --offline} or {@code GUILD_OFFLINE=1} asks for no network calls. */
  public boolean offline() {
    return offline || "1".equals(System.getenv("GUILD_OFFLINE"));
  }

  /** True when {@code -v} asked for detail. */
  public boolean verbose() {
    return verbose;
  }

  /** True when {@code -q} asked for no progress. */
  public boolean quiet() {
    return quiet;
  }

  /**
   * True when progress may be redrawn in place: standard error is a terminal (see
   * {@code Terminal}) and {@code -q} was not given.
   */
  public boolean progressOnTerminal() {
    return !quiet && Terminal.stderrIsTerminal();
  }

  /** A progress bar labelled {@code label} on stderr when {@link #progressOnTerminal()}, else silence. */
  public ProgressListener progressBar(String label) {
    return progressOnTerminal() ? ProgressBar.on(err(), label) : ProgressListener.NONE;
  }

  /** Prints progress lines (such as a build's steps) on stderr, or nothing with {@code -q}. */
  public Consumer<String> progressLines() {
    return line -> {
      if (!quiet) {
        err().println(line);
        err().flush();
      }
    };
  }

  /**
   * Prints a command's result as indented JSON on stdout (for {@code --json}): one JSON value,
   * nothing else on stdout.
   */
  public void printJson(Object json) {
    PackageJson.print(out(), json);
    out().flush();
  }

  private GuildHome guildHome;

  /**
   * The home this command works on, through which every command goes: {@code --home} and
   * {@code --offline} applied, progress bars, notes and warnings on standard error.
   */
  public synchronized GuildHome guildHome() {
    if (guildHome == null) {
      guildHome = GuildPackages.at(home()).offline(offline()).frontEnd(new CliFrontEnd(this));
    }
    return guildHome;
  }

  /**
   * Where commands print results; control characters from packages and mirrors are escaped
   * ({@link TerminalText}).
   */
  public PrintWriter out() {
    return TerminalText.escaping(spec.commandLine().getOut());
  }

  /** Where commands print progress and warnings, escaped as {@link #out()}. */
  public PrintWriter err() {
    return TerminalText.escaping(spec.commandLine().getErr());
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(out());
    return 0;
  }

  /** Builds the command line with core's subcommands and every extension's. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new GuildCli());
    for (Object sub : CoreCommands.all()) {
      cl.addSubcommand(sub);
    }
    for (CliExtension ext : CliExtension.all()) {
      for (Object sub : ext.subcommands()) {
        cl.addSubcommand(sub);
      }
    }
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          GuildException ge = findGuildException(ex);
          if (ge == null) {
            commandLine.getErr().println("guild: internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return 1;
          }
          commandLine.getErr().println("guild: " + TerminalText.escape(ge.getMessage()));
          commandLine.getErr().flush();
          return 1;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("guild: " + ex.getMessage());
          if (ex instanceof UnmatchedArgumentException u) {
            UnmatchedArgumentException.printSuggestions(u, c.getErr());
          }
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          c.getErr().flush();
          return 2;
        });
    return cl;
  }

  private static GuildException findGuildException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof GuildException ge) {
        return ge;
      }
    }
    return null;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    configureLogging(args);
    int status = commandLine().execute(args);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Sets up logging before any logger exists: SLF4J goes to {@link CliLogging} (warnings as
   * {@code guild: warning: ...}, INFO and DEBUG only with {@code -v}). Looks at the arguments
   * itself because loggers start before picocli parses; a {@code -Dslf4j.provider} the user gave
   * (through {@code GUILD_JAVA_OPTS}) wins.
   */
  static void configureLogging(String[] args) {
    boolean verbose = false;
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      verbose |= a.equals("-v") || a.equals("--verbose");
    }
    CliLogging.threshold(verbose ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN);
    setIfAbsent("slf4j.provider", CliLogging.class.getName());
    // SLF4J itself says which provider it loads, at INFO: keep that for -v.
    setIfAbsent("slf4j.internal.verbosity", verbose ? "INFO" : "WARN");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Reads the version Maven wrote into {@code org/guildpkg/version.properties}. */
  public static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"guild " + version()};
    }
  }

  /** The version of this build of guild. */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in = GuildCli.class.getResourceAsStream("/org/guildpkg/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
