package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private CliRun guild(String... args) {
    return CliRun.guild(tmp.resolve("home"), args);
  }

  private String archive(String name, String version, String requires) {
    return TestArchives.simple(tmp.resolve("archives"), name, version, requires).toString();
  }

  @Test
  void installListInfoAndUninstallThroughTheCli() throws Exception {
    String base = archive("base", "1.0", "");
    String app = archive("app", "2.1", "base >= 1.0");
    CliRun install = guild("install", base, app);
    assertThat(install.status()).as(install.err()).isZero();
    assertThat(install.out()).contains("installed base@1.0 in " + tmp.resolve("home/packages/base/1.0"))
        .contains("installed app@2.1");

    CliRun list = guild("list");
    assertThat(list.out()).containsPattern("app\\s+2.1\\s+dataset\\s+test package app")
        .containsPattern("base\\s+1.0\\s+dataset");
    JsonNode listed = JSON.readTree(guild("list", "--json").out());
    assertThat(listed).hasSize(2);
    assertThat(listed.get(0).get("name").asText()).isEqualTo("app");
    assertThat(listed.get(0).get("version").isTextual()).isTrue();
    assertThat(listed.get(0).get("version").asText()).isEqualTo("2.1");
    assertThat(listed.get(0).get("type").asText()).isEqualTo("dataset");
    assertThat(listed.get(0).get("path").asText()).isEqualTo(tmp.resolve("home/packages/app/2.1").toString());

    JsonNode info = JSON.readTree(guild("info", "app>=2", "--json").out());
    assertThat(info.get("name").asText()).isEqualTo("app");
    assertThat(info.get("requires").get(0).asText()).isEqualTo("base >= 1.0");
    assertThat(info.get("installed").asBoolean()).isTrue();
    assertThat(guild("info", "base").out()).contains("version:     1.0").contains("type:        dataset");

    CliRun refused = guild("uninstall", "base");
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).startsWith("guild: cannot uninstall base@1.0: app@2.1 requires 'base >= 1.0'");
    assertThat(tmp.resolve("home/packages/base/1.0")).isDirectory();

    CliRun forced = guild("uninstall", "base@1.0", "--force");
    assertThat(forced.status()).as(forced.err()).isZero();
    assertThat(forced.out()).contains("uninstalled base@1.0");
    assertThat(tmp.resolve("home/packages/base")).doesNotExist();
    assertThat(guild("uninstall", "app").out()).contains("uninstalled app@2.1");
    assertThat(guild("list", "--json").out().trim()).isEqualTo("[ ]");
  }

  @Test
  void infoOnAnArchiveShowsItsManifestWithoutInstalling() throws Exception {
    String a = archive("demo", "3", "");
    CliRun info = guild("info", a, "--json");
    assertThat(info.status()).as(info.err()).isZero();
    JsonNode o = JSON.readTree(info.out());
    assertThat(o.get("name").asText()).isEqualTo("demo");
    assertThat(o.get("version").asText()).isEqualTo("3");
    assertThat(o.get("installed").asBoolean()).isFalse();
    assertThat(o.get("path").asText()).isEqualTo(a);
    assertThat(tmp.resolve("home/packages/demo")).doesNotExist();
  }

  @Test
  void verifyNamesChangedMissingAndExtraFilesAndExitsOne() throws Exception {
    guild("install", archive("demo", "1", ""), archive("other", "1", ""));
    CliRun clean = guild("verify");
    assertThat(clean.status()).isZero();
    assertThat(clean.out()).contains("ok       demo@1").contains("ok       other@1");

    Path pkg = tmp.resolve("home/packages/demo/1");
    Files.writeString(pkg.resolve("README.txt"), "changed\n");
    CliRun changed = guild("verify", "demo");
    assertThat(changed.status()).isEqualTo(1);
    assertThat(changed.out()).contains("changed  demo@1 README.txt").doesNotContain("other@1");
    assertThat(changed.err()).startsWith("guild: 1 file(s) differ").contains(pkg.resolve("README.txt").toString());

    Files.delete(pkg.resolve("data/part-0.txt"));
    Files.writeString(pkg.resolve("added.txt"), "new");
    CliRun all = guild("verify");
    assertThat(all.status()).isEqualTo(1);
    assertThat(all.out()).contains("missing  demo@1 data/part-0.txt").contains("extra    demo@1 added.txt")
        .contains("ok       other@1");
    assertThat(all.err()).contains("3 file(s) differ");
  }

  @Test
  void installingByNameWithoutMirrorsFailsWithOneClearLine() {
    CliRun r = guild("install", "fashion-mnist>=1.0");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().trim()).doesNotContain("\n")
        .startsWith("guild: cannot install 'fashion-mnist>=1.0': no mirror is configured")
        .contains("package fashion-mnist (requested) was not found in the installed packages")
        .doesNotContain("((");
  }

  @Test
  void aMissingArgumentIsAUsageError() {
    assertThat(guild("install").status()).isEqualTo(2);
    assertThat(guild("info").status()).isEqualTo(2);
  }

  @Test
  void infoOnAPackageThatIsNotInstalledSaysSo() {
    CliRun r = guild("info", "ghost");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("guild: package 'ghost' is not installed in " + tmp.resolve("home"));
  }
}
