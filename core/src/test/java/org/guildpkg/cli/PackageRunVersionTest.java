package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.guildpkg.build.PackageFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild package --run ID --version X}: the user, not the run number, chooses a trained
 * model's version, and a chosen version never names two different archives.
 */
class PackageRunVersionTest {
  @TempDir Path tmp;

  private CliRun guild(String... args) {
    return CliRun.guild(tmp.resolve("home"), args);
  }

  /** A project whose run 2 has a GuildPkg as guild train writes it: version SOURCE.RUN. */
  private Path project(String weights) {
    Path project = tmp.resolve("project");
    PackageFolders.write(project.resolve("runs/2"),
        "[package]\nname = convnet+digits\nversion = 1.0.2\ntype = model\n",
        Map.of("saved_model.pb", weights));
    return project;
  }

  @Test
  void theUserChoosesTheVersionOfARunsPackage() throws Exception {
    Path project = project("weights of run 2");
    CliRun plain = guild("package", project.toString(), "--run", "2", "--output", tmp.resolve("out").toString());
    assertThat(plain.status()).as(plain.err()).isZero();
    assertThat(plain.lastLine()).endsWith("convnet+digits-1.0.2.pkg.tar.zst");

    CliRun chosen = guild("package", project.toString(), "--run", "2", "--version", "1.1",
        "--output", tmp.resolve("out").toString());
    assertThat(chosen.status()).as(chosen.err()).isZero();
    Path archive = Path.of(chosen.lastLine());
    assertThat(archive).isEqualTo(tmp.resolve("out/convnet+digits-1.1.pkg.tar.zst")).exists();
    assertThat(PackageFolders.entries(archive).get(".MANIFEST.json")).contains("\"version\" : \"1.1\"");
    assertThat(guild("install", archive.toString()).status()).isZero();
    assertThat(guild("info", "convnet+digits").out()).contains("1.1");

    // the same build again is fine (reproducible); a different package under 1.1 is refused
    String before = PackageFolders.sha256(archive);
    assertThat(guild("package", project.toString(), "--run", "2", "--version", "1.1",
        "--output", tmp.resolve("out").toString()).status()).isZero();
    Files.writeString(project.resolve("runs/2/saved_model.pb"), "weights of a worse run");
    CliRun clash = guild("package", project.toString(), "--run", "2", "--version", "1.1",
        "--output", tmp.resolve("out").toString());
    assertThat(clash.status()).isEqualTo(1);
    String lastErr = clash.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertThat(lastErr).startsWith("guild: refusing to overwrite").contains("convnet+digits@1.1");
    assertThat(PackageFolders.sha256(archive)).isEqualTo(before);
  }

  @Test
  void packageHelpStillWorksAndShowsTheVersionFlag() {
    CliRun help = guild("package", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("--version=X");
  }

  @Test
  void aBadVersionIsOneClearLineAndBuildsNothing() {
    Path project = project("w");
    CliRun bad = guild("package", project.toString(), "--run", "2", "--version", "best",
        "--output", tmp.resolve("out").toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().strip()).isEqualTo("guild: invalid --version 'best': expected dotted numbers with an"
        + " optional -suffix, such as 1.2 or 2.0-rc1");
    assertThat(tmp.resolve("out")).doesNotExist();

    CliRun noRun = guild("package", project.resolve("runs/2").toString(), "--version", "3");
    assertThat(noRun.status()).isEqualTo(1);
    assertThat(noRun.err()).contains("--version X is for a training run's package");
  }
}
