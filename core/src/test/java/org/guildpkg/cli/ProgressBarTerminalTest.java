package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install progress bar appears when a person watches (a real pseudo-terminal, made by
 * util-linux's {@code script}) and stays silent when the output goes to a pipe.
 */
class ProgressBarTerminalTest {
  @TempDir Path tmp;

  private String install(boolean onTerminal, Path home, Path archive) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd = "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
        + GuildCli.class.getName() + " --home '" + home + "' install '" + archive + "'";
    List<String> argv = onTerminal
        ? List.of("script", "-q", "-e", "-c", cmd, "/dev/null")
        : List.of("bash", "-c", cmd);
    Path out = tmp.resolve(onTerminal ? "tty.out" : "pipe.out");
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("guild install finished").isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void installDrawsABarOnATerminalAndNothingOnAPipe() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux's script is not installed");
    // 12 MB of incompressible files: above the bar's 8 MB threshold.
    Path archive = TestArchives.random(tmp.resolve("out"), "big", "1", 12, 1 << 20, 42);

    String tty = install(true, tmp.resolve("home-tty"), archive);
    // Not the rate: it shows after 0.2 s of measuring, and a quiet machine installs 12 MB faster
    // than that (ProgressBarRateTest checks the rate on a clock of its own).
    assertThat(tty).contains("[" + "#".repeat(30) + "] 100%").contains("12.6/12.6 MB");

    String pipe = install(false, tmp.resolve("home-pipe"), archive);
    assertThat(pipe).doesNotContain("100%").doesNotContain("###");
  }
}
