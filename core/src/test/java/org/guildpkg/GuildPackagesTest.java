package org.guildpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.guildpkg.spec.PackageType;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuildPackagesTest {
  @TempDir Path tmp;

  @Test
  void loadReturnsTheHighestInstalledVersionMatchingTheSpec() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home"));
    guild.install(
        TestArchives.simple(tmp.resolve("a"), "fashion-mnist", "1.0", "").toString(),
        TestArchives.simple(tmp.resolve("a"), "fashion-mnist", "1.2", "").toString(),
        TestArchives.simple(tmp.resolve("a"), "fashion-mnist", "2.0", "").toString());
    GuildPackage latest = guild.load("fashion-mnist");
    assertThat(latest.version().value()).isEqualTo("2.0");
    assertThat(latest.type()).isEqualTo(PackageType.DATASET);
    assertThat(latest.path()).isEqualTo(tmp.resolve("home/packages/fashion-mnist/2.0"));
    assertThat(latest.path().resolve("README.txt")).hasContent("fashion-mnist 2.0");
    assertThat(guild.load("fashion-mnist@1.2").version().value()).isEqualTo("1.2");
    assertThat(guild.load("fashion-mnist>=1.0, <2").version().value()).isEqualTo("1.2");
    assertThat(guild.list()).hasSize(3);
  }

  @Test
  void loadingWhatIsNotInstalledSaysSoAndHowToInstallIt() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home")).offline(true);
    guild.install(TestArchives.simple(tmp.resolve("a"), "demo", "1", "").toString());
    assertThatThrownBy(() -> guild.load("demo>=2"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("package 'demo>=2' is not installed in " + tmp.resolve("home"))
        .hasMessageContaining("installed versions: 1")
        .hasMessageContaining("guild install demo>=2");
  }

  @Test
  void installingByNameWithoutAMirrorIsAClearError() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home"));
    assertThatThrownBy(() -> guild.install("fashion-mnist"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("cannot install 'fashion-mnist': no mirror is configured");
  }

  @Test
  void uninstallRemovesOneVersionOrAll() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home"));
    guild.install(
        TestArchives.simple(tmp.resolve("a"), "demo", "1", "").toString(),
        TestArchives.simple(tmp.resolve("a"), "demo", "2", "").toString());
    assertThat(guild.uninstall(false, "demo@1")).extracting(GuildPackage::toString).containsExactly("demo@1");
    assertThat(guild.list()).extracting(GuildPackage::toString).containsExactly("demo@2");
    guild.uninstall(false, "demo");
    assertThat(guild.list()).isEmpty();
    assertThat(guild.find("demo")).isEmpty();
  }
}
