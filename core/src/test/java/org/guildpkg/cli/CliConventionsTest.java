package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The conventions of the {@code guild} command line: suggestions for a mistyped command, global
 * options after the subcommand, {@code --json} results, shell completion in a real bash, the
 * terminal test, and log lines shaped as {@code guild: warning: ...} in a real JVM.
 */
class CliConventionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Runs {@code guild ARGS...} in-process without adding {@code --home}. */
  private static CliRun raw(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cl = GuildCli.commandLine();
    cl.setOut(new PrintWriter(o, true));
    cl.setErr(new PrintWriter(e, true));
    int status = cl.execute(args);
    return new CliRun(status, o.toString(), e.toString());
  }

  private CliRun guild(String... args) {
    return CliRun.guild(tmp.resolve("home"), args);
  }

  @Test
  void aMistypedCommandSuggestsTheRightOne() {
    CliRun r = raw("instal", "x");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Did you mean: guild install");
    assertThat(raw("mirror", "lst").err()).contains("Did you mean: mirror list");
  }

  @Test
  void globalOptionsWorkAfterTheSubcommandToo() throws Exception {
    Path archive = TestArchives.simple(tmp.resolve("archives"), "demo", "1", "");
    Path home = tmp.resolve("late-home");
    CliRun install = raw("install", archive.toString(), "--home", home.toString(), "-q", "--offline");
    assertThat(install.status()).as(install.err()).isZero();
    assertThat(home.resolve("packages/demo/1")).isDirectory();
    // before the subcommand, after it, and in a sub-subcommand
    assertThat(raw("--home", home.toString(), "list").out()).contains("demo");
    assertThat(raw("list", "--home", home.toString(), "-v").out()).contains("demo");
    CliRun mirrors = raw("mirror", "list", "--home", home.toString(), "--offline");
    assertThat(mirrors.status()).as(mirrors.err()).isZero();
    assertThat(raw("list", "--home", tmp.resolve("empty").toString()).out()).doesNotContain("demo");
  }

  @Test
  void resultCommandsPrintJson() throws Exception {
    Path base = TestArchives.simple(tmp.resolve("archives"), "base", "1.0", "");
    Path app = TestArchives.simple(tmp.resolve("archives"), "app", "2.1", "base >= 1.0");
    CliRun install = guild("install", base.toString(), app.toString(), "--json");
    assertThat(install.status()).as(install.err()).isZero();
    JsonNode installed = JSON.readTree(install.out());
    assertThat(installed).extracting(p -> p.get("name").asText() + "@" + p.get("version").asText())
        .containsExactly("base@1.0", "app@2.1");
    assertThat(installed.get(1).get("path").asText()).isEqualTo(tmp.resolve("home/packages/app/2.1").toString());
    assertThat(installed.get(1).get("installed").asBoolean()).isTrue();

    Files.writeString(tmp.resolve("home/packages/app/2.1/README.txt"), "changed\n");
    CliRun verify = guild("verify", "--json");
    assertThat(verify.status()).isEqualTo(1);
    assertThat(verify.err()).startsWith("guild: 1 file(s) differ");
    JsonNode report = JSON.readTree(verify.out());
    assertThat(report.get("ok").asBoolean()).isFalse();
    JsonNode appReport = report.get("packages").get(0);
    assertThat(appReport.get("name").asText()).isEqualTo("app");
    assertThat(appReport.get("ok").asBoolean()).isFalse();
    assertThat(appReport.get("changed")).extracting(JsonNode::asText).containsExactly("README.txt");
    assertThat(appReport.get("missing")).isEmpty();
    assertThat(report.get("packages").get(1).get("ok").asBoolean()).isTrue();

    CliRun uninstall = guild("uninstall", "app", "base", "--json");
    assertThat(uninstall.status()).as(uninstall.err()).isZero();
    assertThat(JSON.readTree(uninstall.out())).extracting(p -> p.get("name").asText() + " " + p.get("installed"))
        .containsExactlyInAnyOrder("app false", "base false");
  }

  @Test
  void packagePrintsTheArchiveAsJson() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tiny"));
    Files.writeString(dir.resolve("GuildPkg"), "[package]\nname = tiny\nversion = 1\ntype = source\n"
        + "description = A tiny source package\nlicense = Apache-2.0\n");
    Files.writeString(dir.resolve("model.txt"), "hello\n");
    CliRun r = guild("package", dir.toString(), "--output", tmp.resolve("out").toString(), "--json", "-q");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).as("-q silences the build's progress lines").doesNotContain("==>");
    JsonNode o = JSON.readTree(r.out());
    Path archive = tmp.resolve("out/tiny-1.pkg.tar.zst");
    assertThat(o.get("archive").asText()).isEqualTo(archive.toString());
    assertThat(o.get("bytes").asLong()).isEqualTo(Files.size(archive)).isPositive();
  }

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
    CliRun script = guild("completion", "bash");
    assertThat(script.status()).as(script.err()).isZero();
    Path file = tmp.resolve("guild-completion.bash");
    Files.writeString(file, script.out());
    assertThat(complete(file, "guild ins")).containsExactly("install");
    assertThat(complete(file, "guild un")).containsExactly("uninstall");
    assertThat(complete(file, "guild list --js")).containsExactly("--json");
    assertThat(complete(file, "guild mirror a")).containsExactly("add");

    CliRun zsh = guild("completion", "zsh");
    assertThat(zsh.out()).startsWith("autoload -U +X compinit").contains("complete -F _complete_guild");
    assertThat(guild("completion", "fish").status()).isEqualTo(2);
  }

  /** What bash's completion offers for {@code line} (the cursor at its end). */
  private List<String> complete(Path script, String line) throws Exception {
    List<String> words = new ArrayList<>(List.of(line.split(" ", -1)));
    String bash = "source '" + script + "'\n"
        + "COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "\n"
        + "COMP_WORDS=(" + String.join(" ", words.stream().map(w -> "'" + w + "'").toList()) + ")\n"
        + "COMP_CWORD=" + (words.size() - 1) + "\n"
        + "_complete_guild guild '" + words.get(words.size() - 1) + "' '" + words.get(words.size() - 2) + "'\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    // stderr (compopt's complaint outside a real completion) is not what bash offers
    Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", bash)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  @Test
  void terminalDevicesAreRecognisedAndNoConsoleIsNoTerminal() {
    assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(Terminal.isTerminalDevice("pipe:[12345]")).isFalse();
    assertThat(Terminal.isTerminalDevice("/tmp/out.log")).isFalse();
    assertThat(Terminal.consoleIsTerminal(null, 17)).isFalse();
    assertThat(Terminal.consoleIsTerminal(null, 25)).isFalse();
  }

  @Test
  void libraryLogLinesReadAsGuildWarningsAndDetailOnlyWithVerbose() throws Exception {
    // An archive whose file name does not match its manifest: the store logs a warning.
    Path archive = TestArchives.simple(tmp.resolve("archives"), "demo", "1", "");
    Path renamed = Files.move(archive, archive.resolveSibling("other-9.pkg.tar.zst"));
    String quiet = runJvm(tmp.resolve("home-a"), "install", renamed.toString());
    assertThat(quiet).contains("guild: warning: " + renamed + " holds demo@1; its file name suggests otherwise")
        .doesNotContain("[main]").doesNotContain("org.guildpkg").doesNotContain("debug");

    String verbose = runJvm(tmp.resolve("home-b"), "install", renamed.toString(), "-v");
    assertThat(verbose).contains("guild: warning: Store: " + renamed + " holds demo@1")
        .contains("guild: debug: Store: installed demo@1 into").doesNotContain("[main]");
  }

  /** Runs guild in a new JVM (logging starts once per JVM), returning stdout and stderr together. */
  private String runJvm(Path home, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        GuildCli.class.getName(), "--home", home.toString()));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
