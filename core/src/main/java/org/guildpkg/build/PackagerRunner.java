package org.guildpkg.build;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.guildpkg.GuildException;

/**
 * Runs a makepkg-style bash {@code packager}: its functions {@code prepare}, {@code build},
 * {@code check} and {@code package}, in that order, each that is defined, each in its own
 * {@code bash -e} process that sources the packager in {@code $startdir} and then calls the
 * function in {@code $srcdir}.
 *
 * <p>The environment holds {@code srcdir}, {@code pkgdir}, {@code startdir}, {@code pkgname},
 * {@code pkgver}, {@code GUILD_HOME} (and {@code SOURCE_DATE_EPOCH} when the build has one), and
 * {@code PATH} starts with a folder holding a {@code guild} script that runs this JVM's class
 * path, so a packager can call {@code guild tfrecord from-idx} even inside a test. Standard output
 * and error of the packager are merged and handed line by line to the caller's sink.
 */
final class PackagerRunner {
  /** The functions a packager may define, in the order they run. */
  static final List<String> FUNCTIONS = List.of("prepare", "build", "check", "package");

  private final Path packager;
  private final Path startdir;
  private final Path srcdir;
  private final Map<String, String> env;
  private final Consumer<String> output;
  private Consumer<Process> started = p -> { };

  /**
   * @param env the variables to add to this JVM's environment (srcdir, pkgdir, ..., PATH)
   */
  PackagerRunner(Path packager, Path startdir, Path srcdir, Map<String, String> env,
      Consumer<String> output) {
    this.packager = packager;
    this.startdir = startdir;
    this.srcdir = srcdir;
    this.env = Map.copyOf(env);
    this.output = output;
  }

  /**
   * Runs the defined functions in order, skipping {@code check} when {@code noCheck}.
   *
   * @throws GuildException naming the function, its exit status and the packager when one fails,
   *     or when the packager defines no {@code package} function
   */
  void run(boolean noCheck, Path workDir) {
    Set<String> defined = definedFunctions(workDir);
    if (!defined.contains("package")) {
      throw new GuildException(packager + ": the packager defines no package() function;"
          + " add one that copies the files into \"$pkgdir\"");
    }
    for (String f : FUNCTIONS) {
      if (!defined.contains(f) || (noCheck && f.equals("check"))) {
        continue;
      }
      output.accept("==> Starting " + f + "()...");
      int status = bash("cd \"$startdir\"\nsource \"$0\"\ncd \"$srcdir\"\n" + f, List.of());
      if (status != 0) {
        throw new GuildException("packager function '" + f + "' failed with exit status "
            + status + " in " + packager);
      }
    }
  }

  /** The functions among {@link #FUNCTIONS} that the packager defines ({@code declare -F}). */
  Set<String> definedFunctions(Path workDir) {
    Path list = workDir.resolve("functions");
    int status = bash("cd \"$startdir\"\nsource \"$0\"\ndeclare -F > \"$1\"",
        List.of(list.toString()));
    if (status != 0) {
      throw new GuildException(packager + ": sourcing the packager failed with exit status "
          + status + "; see its output above");
    }
    Set<String> out = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(list)) {
        String name = line.substring(line.lastIndexOf(' ') + 1);
        if (FUNCTIONS.contains(name)) {
          out.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Runs {@code bash -e -c script packager args...}; the script's commands are on separate lines
   * (not joined with {@code &&}), because bash ignores {@code -e} inside an {@code &&} list.
   * Streams its output to the sink and returns its exit status.
   */
  private int bash(String script, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("bash", "-e", "-c", script, packager.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(srcdir.toFile())
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new GuildException("cannot run bash for " + packager + ": " + GuildException.reason(e)
          + "; is bash installed?", e);
    }
    started.accept(p);
    Thread pump = new Thread(() -> pump(p), "packager-output");
    pump.setDaemon(true);
    pump.start();
    try {
      int status = p.waitFor();
      pump.join();
      return status;
    } catch (InterruptedException e) {
      destroyTree(p);
      Thread.currentThread().interrupt();
      throw new GuildException("interrupted while running " + packager, e);
    }
  }

  /** Tells {@code watcher} of each packager process as it starts (for stopping it on shutdown). */
  PackagerRunner watchedBy(Consumer<Process> watcher) {
    this.started = watcher;
    return this;
  }

  /**
   * Kills a process and every descendant, children first, repeating while new ones appear, and
   * waits (bounded) for the process to end.
   */
  static void destroyTree(Process p) {
    for (int round = 0; round < 5; round++) {
      List<ProcessHandle> below = p.descendants().toList();
      if (below.isEmpty()) {
        break;
      }
      below.forEach(ProcessHandle::destroyForcibly);
    }
    p.destroyForcibly();
    try {
      p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pump(Process p) {
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        output.accept(line);
      }
    } catch (IOException e) {
      // the process went away (destroyed on interrupt); nothing more to show
    }
  }

  /**
   * Writes an executable {@code guild} script into {@code binDir} that runs the CLI on this JVM
   * ({@code java.home}) with this JVM's class path, and returns the folder.
   */
  static Path writeGuildWrapper(Path binDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    StringBuilder opts = new StringBuilder();
    String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (cache != null) {
      opts.append(quote("-Dorg.bytedeco.javacpp.cachedir=" + cache)).append(' ');
    }
    String script = "#!/bin/sh\n"
        + "# Runs the guild CLI of the JVM that is packaging (written by guild package).\n"
        + "exec " + quote(java) + " " + opts + "${GUILD_JAVA_OPTS:-} -cp " + quote(cp)
        + " org.guildpkg.cli.GuildCli \"$@\"\n";
    try {
      Files.createDirectories(binDir);
      Path guild = binDir.resolve("guild");
      Files.writeString(guild, script, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(guild, PosixFilePermissions.fromString("rwxr-xr-x"));
      return binDir;
    } catch (IOException e) {
      throw new GuildException("cannot write " + binDir.resolve("guild") + ": " + GuildException.reason(e),
          e);
    }
  }

  /** Quotes a word for sh. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
