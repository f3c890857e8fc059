package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuildCliTest {
  @TempDir Path tmp;

  @Test
  void helpListsEveryCoreCommandWithADescription() {
    CliRun help = CliRun.guild(tmp, "--help");
    assertThat(help.status()).isZero();
    for (String command : new String[] {"package", "install", "uninstall", "list", "info", "verify",
        "publish", "key", "mirror", "search", "upgrade"}) {
      assertThat(help.out()).as(command).containsPattern("(?m)^  " + command + " +\\S+");
    }
  }

  @Test
  void versionPrintsGuildAndTheBuildsVersion() {
    CliRun version = CliRun.guild(tmp, "--version");
    assertThat(version.status()).isZero();
    assertThat(version.out().trim()).isEqualTo("guild " + GuildCli.version()).doesNotEndWith("unknown");
  }
}
