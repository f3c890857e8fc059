package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default home follows {@code $HOME} (the JVM's {@code user.home} comes from the password
 * database and ignores it), and {@code $GUILD_HOME} still wins; checked in child JVMs, as a user
 * runs guild.
 */
class HomeEnvironmentTest {
  @TempDir Path tmp;

  private String list(String home, String guildHome) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GuildCli.class.getName(), "list", "--json");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile());
    pb.environment().remove("GUILD_HOME");
    pb.environment().put("HOME", home);
    if (guildHome != null) {
      pb.environment().put("GUILD_HOME", guildHome);
    }
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(tmp.resolve("child.log"));
    assertThat(p.exitValue()).as(log).isZero();
    return log;
  }

  @Test
  void theDefaultHomeIsUnderDollarHomeAndGuildHomeWins() throws Exception {
    Path home = tmp.resolve("user");
    Path archive = TestArchives.simple(tmp.resolve("out"), "home-env-probe", "1.0", "");
    CliRun r = CliRun.guild(home.resolve(".guild"), "install", archive.toString());
    assertThat(r.status()).as(r.err()).isZero();

    assertThat(list(home.toString(), null)).contains("\"home-env-probe\"");
    Path other = Files.createDirectories(tmp.resolve("other"));
    assertThat(list(home.toString(), other.toString())).doesNotContain("home-env-probe");
  }
}
