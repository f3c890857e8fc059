package org.guildpkg.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.CliRun;
import org.guildpkg.mirror.TestPackages;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions the user controls, through the CLI on a signed file mirror: mirror labels that
 * install, load, upgrade and SPEC resolution follow; {@code install --reinstall}; {@code upgrade
 * --dry-run}; upgrade without a mirror; pip's {@code ==}.
 */
class VersionsTest {
  @TempDir Path tmp;
  Path home;
  String mirror;
  String key;
  String out;
  String err;

  private int guild(String... args) {
    CliRun r = CliRun.guild(home, args);
    out = r.out();
    err = r.err();
    return r.status();
  }

  private Path archive(String version, String content) {
    return TestPackages.simple(tmp.resolve("work"), "convnet", version, "", content, tmp.resolve("out-" + version));
  }

  private String installedVersions() throws Exception {
    assertThat(guild("list", "--json")).as(err).isZero();
    StringBuilder sb = new StringBuilder();
    for (JsonNode p : new ObjectMapper().readTree(out)) {
      sb.append(p.get("name").asText()).append('@').append(p.get("version").asText()).append(' ');
    }
    return sb.toString().trim();
  }

  @BeforeEach
  void signedMirrorWithTwoVersions() {
    home = tmp.resolve("home");
    mirror = tmp.resolve("mirror").toUri().toString();
    assertThat(guild("key", "generate", tmp.resolve("keys").toString())).isZero();
    key = tmp.resolve("keys/mirror.key").toString();
    // 1.0.1 is the better model; the second, worse run became 1.0.2
    assertThat(guild("publish", archive("1.0.1", "accuracy 0.83").toString(), "--mirror", mirror,
        "--key", key, "--label", "stable")).as(err).isZero();
    assertThat(out).contains("labelled stable: convnet -> 1.0.1");
    assertThat(guild("publish", archive("1.0.2", "accuracy 0.71").toString(), "--mirror", mirror, "--key", key))
        .as(err).isZero();
    assertThat(guild("mirror", "add", "main", mirror, "--key", tmp.resolve("keys/mirror.pub").toString()))
        .as(err).isZero();
  }

  @Test
  void labelsPickTheVersionForInstallLoadResolveAndUpgrade() throws Exception {
    assertThat(guild("install", "convnet@stable")).as(err).isZero();
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");
    assertThat(GuildPackages.at(home).load("convnet@stable").version().value()).isEqualTo("1.0.1");
    // serve, check, deploy... resolve their SPEC this way
    assertThat(GuildPackages.at(home).resolve("convnet@stable").version()).isEqualTo("1.0.1");

    // a package installed through a label follows it: upgrade does not jump to 1.0.2
    assertThat(guild("upgrade")).as(err).isZero();
    assertThat(out).contains("everything is up to date");
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");

    // the label moves by a signed index update; upgrade follows it
    assertThat(guild("label", "set", "stable", "convnet@1.0.2", "--mirror", mirror, "--key", key)).as(err).isZero();
    assertThat(out).contains("labelled stable: convnet -> 1.0.2; index serial 3");
    assertThat(guild("label", "list")).as(err).isZero();
    assertThat(out).containsPattern("main +stable +convnet +1.0.2");
    assertThat(guild("upgrade", "--dry-run")).as(err).isZero();
    assertThat(out).contains("convnet: 1.0.1 -> 1.0.2 (label stable)");
    assertThat(guild("upgrade")).as(err).isZero();
    assertThat(out).contains("upgraded convnet 1.0.1 -> 1.0.2");
    assertThat(installedVersions()).isEqualTo("convnet@1.0.2");

    // moved back (a rollback): upgrade follows it down
    assertThat(guild("label", "set", "stable", "convnet==1.0.1", "--mirror", mirror, "--key", key)).as(err).isZero();
    assertThat(guild("upgrade")).as(err).isZero();
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");

    // a label removed from the mirror: upgrade says which label and how to stop following it
    assertThat(guild("label", "remove", "stable", "convnet", "--mirror", mirror, "--key", key)).as(err).isZero();
    assertThat(guild("upgrade")).isEqualTo(1);
    assertThat(err).contains("cannot upgrade convnet, which follows the label 'stable'")
        .contains("'guild install convnet' stops following it");
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");

    // installing by version stops following the label
    assertThat(guild("install", "convnet@1.0.1")).as(err).isZero();
    assertThat(guild("upgrade")).as(err).isZero();
    assertThat(installedVersions()).isEqualTo("convnet@1.0.2");
  }

  @Test
  void anUnknownLabelIsOneLineListingTheMirrorsLabels() throws Exception {
    assertThat(guild("label", "set", "best", "convnet@1.0.1", "--mirror", mirror, "--key", key)).as(err).isZero();
    assertThat(guild("install", "convnet@stabel")).isEqualTo(1);
    assertThat(err.strip()).isEqualTo("guild: unknown label 'stabel' in convnet@stabel: mirror main has the labels: best, stable");
    assertThat(installedVersions()).isEmpty();
    // a version the mirror lacks cannot be labelled, and a signed mirror needs the key
    assertThat(guild("label", "set", "stable", "convnet@9", "--mirror", mirror, "--key", key)).isEqualTo(1);
    assertThat(err).contains("does not have it (versions: 1.0.1, 1.0.2)");
    assertThat(guild("label", "set", "stable", "convnet@1.0.2", "--mirror", mirror)).isEqualTo(1);
    assertThat(err).contains("is signed; pass --key");
  }

  @Test
  void aLabelChangedWithoutTheKeyIsRefusedByTheSignature() throws Exception {
    Path index = tmp.resolve("mirror/index.json");
    String text = Files.readString(index, StandardCharsets.UTF_8);
    assertThat(text).contains("\"stable\" : {");
    Files.writeString(index, text.replace("\"convnet\" : \"1.0.1\"", "\"convnet\" : \"1.0.2\""));
    assertThat(guild("install", "convnet@stable")).isEqualTo(1);
    assertThat(err).contains("signature");
    assertThat(installedVersions()).isEmpty();
  }

  @Test
  void reinstallRepairsAndAFailedReinstallLeavesTheOldCopy() throws Exception {
    assertThat(guild("install", "convnet@1.0.1")).as(err).isZero();
    Path readme = home.resolve("packages/convnet/1.0.1/README.txt");
    Files.writeString(readme, "tampered");
    assertThat(guild("verify")).isEqualTo(1);
    assertThat(err).contains("repair with 'guild install --reinstall convnet@1.0.1'");

    assertThat(guild("install", "--reinstall", "convnet@1.0.1")).as(err).isZero();
    assertThat(out).contains("reinstalled convnet@1.0.1");
    assertThat(readme).hasContent("accuracy 0.83");
    assertThat(guild("verify")).as(err).isZero();

    // the mirror's archive goes bad: the reinstall fails and the installed copy is untouched
    Files.writeString(readme, "tampered again");
    List<String> before = TestArchives.snapshot(home);
    Path served = tmp.resolve("mirror/packages/convnet/convnet-1.0.1.pkg.tar.zst");
    byte[] bytes = Files.readAllBytes(served);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(served, bytes);
    assertThat(guild("install", "--reinstall", "convnet@1.0.1")).isEqualTo(1);
    assertThat(err).contains("convnet");
    assertThat(readme).hasContent("tampered again");
    assertThat(TestArchives.snapshot(home)).isEqualTo(before);
    assertThat(TestArchives.tmpEntries(home)).isEmpty();

    // an archive given by path works as well, and so does a broken one fail safely
    Path good = archive("1.0.1", "accuracy 0.83");
    assertThat(guild("install", "--reinstall", good.toString())).as(err).isZero();
    assertThat(readme).hasContent("accuracy 0.83");
  }

  @Test
  void upgradeDryRunPrintsThePlanAndChangesNothing() throws Exception {
    assertThat(guild("install", "convnet@1.0.1")).as(err).isZero();
    List<String> before = TestArchives.snapshot(home);
    assertThat(guild("upgrade", "--dry-run")).as(err).isZero();
    assertThat(out).contains("convnet: 1.0.1 -> 1.0.2").contains("dry run: nothing was changed");
    assertThat(TestArchives.snapshot(home).stream().filter(p -> p.startsWith("packages")).toList())
        .isEqualTo(before.stream().filter(p -> p.startsWith("packages")).toList());
    assertThat(guild("upgrade", "--dry-run", "--json")).as(err).isZero();
    JsonNode plan = new ObjectMapper().readTree(out);
    assertThat(plan.get(0).get("from").asText()).isEqualTo("1.0.1");
    assertThat(plan.get(0).get("to").asText()).isEqualTo("1.0.2");
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");
  }

  @Test
  void upgradeWithoutAMirrorSaysSo() throws Exception {
    home = tmp.resolve("other-home");
    assertThat(guild("install", archive("1.0.1", "accuracy 0.83").toString())).as(err).isZero();
    assertThat(guild("upgrade")).isEqualTo(1);
    assertThat(out).doesNotContain("up to date");
    assertThat(err.strip()).startsWith("guild: cannot upgrade: no mirror is configured in")
        .endsWith("add one with 'guild mirror add NAME URL'").doesNotContain("\n");
  }

  @Test
  void pipsDoubleEqualsInstallsThatVersion() throws Exception {
    assertThat(guild("install", "convnet==1.0.1")).as(err).isZero();
    assertThat(installedVersions()).isEqualTo("convnet@1.0.1");
  }
}
