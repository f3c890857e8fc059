package org.guildpkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core's one SPEC resolver and {@link GuildPackage#open}: folders, archives, installed packages. */
class PackageFolderTest {
  @TempDir Path tmp;

  @Test
  void anInstalledPackageFolderOpensWithItsManifest() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home")).offline(true);
    GuildPackage installed = guild.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.2", "").toString()).get(0);
    GuildPackage opened = GuildPackage.open(installed.path());
    assertThat(opened.manifest()).isEqualTo(installed.manifest());
    assertThat(opened.path()).isEqualTo(installed.path());
  }

  @Test
  void aFolderWithoutAManifestIsNoPackage() throws Exception {
    Path bare = Files.createDirectories(tmp.resolve("bare"));
    assertThat(GuildPackage.tryOpen(bare)).isEmpty();
    assertThatThrownBy(() -> GuildPackage.open(bare))
        .isInstanceOf(GuildException.class)
        .hasMessage(bare + " is not a package folder: it has no .MANIFEST.json");
  }

  @Test
  void aDamagedManifestIsNamed() throws Exception {
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve(".MANIFEST.json"), "{\"name\": ");
    assertThatThrownBy(() -> GuildPackage.tryOpen(bad))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith(bad.resolve(".MANIFEST.json") + ": cannot read the manifest");
  }

  @Test
  void aSpecResolvesAsAFolderAnArchiveOrAnInstalledPackage() throws Exception {
    GuildHome guild = GuildPackages.at(tmp.resolve("home")).offline(true);
    Path archive = TestArchives.simple(tmp.resolve("a"), "demo", "2", "");

    PackageFolder fromArchive = guild.resolve(archive.toString());
    assertThat(fromArchive.folder()).isEqualTo(tmp.resolve("home/packages/demo/2"));
    assertThat(fromArchive.label()).isEqualTo("demo@2 (" + fromArchive.folder() + ")");

    PackageFolder installed = guild.resolve("demo>=1");
    assertThat(installed.requirePackage().toString()).isEqualTo("demo@2");

    PackageFolder packageFolder = guild.resolve(installed.folder().toString());
    assertThat(packageFolder.pkg()).contains(installed.requirePackage());

    Path bare = Files.createDirectories(tmp.resolve("saved_model"));
    PackageFolder folder = guild.resolve(bare.toString());
    assertThat(folder.pkg()).isEmpty();
    assertThat(folder.name()).isEqualTo("saved_model");
    assertThat(folder.version()).isEqualTo("0");
    assertThatThrownBy(folder::requirePackage).hasMessageContaining(bare + " is not a package folder");
  }

  @Test
  void aSpecThatNamesNothingSaysWhatASpecIs() {
    GuildHome guild = GuildPackages.at(tmp.resolve("home")).offline(true);
    assertThatThrownBy(() -> guild.resolve(tmp.resolve("nowhere").toString()))
        .isInstanceOf(GuildException.class)
        .hasMessage("no folder " + tmp.resolve("nowhere") + " (SPEC: a folder, an archive or an installed package)");
    assertThatThrownBy(() -> guild.resolve("ghost"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("package 'ghost' is not installed in " + tmp.resolve("home"));
  }
}
