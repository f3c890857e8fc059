package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.guildpkg.GuildException;
import org.guildpkg.archive.PackageFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash packager: functions, order, variables, failures, guild on PATH, no packager. */
class PackagerTest {
  @TempDir Path tmp;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private Path home() {
    return tmp.resolve("home");
  }

  private Path out() {
    return tmp.resolve("out");
  }

  private PackageBuilder builder(Path dir) {
    return PackageBuilder.forDirectory(dir).output(out()).home(home()).progress(output::add);
  }

  private Path withPackager(String packager) {
    return PackageFolders.write(tmp.resolve("pkg"),
        PackageFolders.header("packager-test") + "packager = packager\n",
        Map.of("packager", packager));
  }

  @Test
  void aFailingPrepareStopsTheBuildNamingTheFunctionAndStatus() {
    Path dir = withPackager("""
        prepare() {
          echo preparing
          false
          echo not reached
        }
        package() { touch "$pkgdir/file"; }
        """);
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessage("packager function 'prepare' failed with exit status 1 in "
            + dir.resolve("packager"));
    assertThat(output).contains("preparing").doesNotContain("not reached", "==> Starting package()...");
    assertThat(PackageFolders.listing(out())).isEmpty();
    assertThat(PackageFolders.workLeftovers(home())).isEmpty();
  }

  @Test
  void theExitStatusOfTheFailingCommandIsReported() {
    Path dir = withPackager("build() { exit 7; }\npackage() { :; }\n");
    assertThatThrownBy(() -> builder(dir).build())
        .hasMessageContaining("packager function 'build' failed with exit status 7");
  }

  @Test
  void functionsRunInMakepkgOrderAndNocheckSkipsCheck() throws IOException {
    Path dir = withPackager("""
        package() { echo package >> "$startdir/order"; }
        check() { echo check >> "$startdir/order"; }
        build() { echo build >> "$startdir/order"; }
        prepare() { echo prepare >> "$startdir/order"; }
        """);
    builder(dir).build();
    assertThat(Files.readAllLines(dir.resolve("order")))
        .containsExactly("prepare", "build", "check", "package");
    Files.delete(dir.resolve("order"));
    builder(dir).noCheck(true).build();
    assertThat(Files.readAllLines(dir.resolve("order"))).containsExactly("prepare", "build", "package");
  }

  @Test
  void onlyPackageIsRequired() {
    Path dir = withPackager("prepare() { :; }\n");
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("defines no package() function");
    Path ok = withPackager("package() { echo hi > \"$pkgdir/hi.txt\"; }\n");
    assertThat(PackageFolders.entries(builder(ok).build())).containsEntry("data/hi.txt", "hi\n");
  }

  @Test
  void functionsRunInSrcdirWithTheMakepkgVariablesSet() {
    Path dir = PackageFolders.write(tmp.resolve("pkg"),
        "[package]\nname = vars\nversion = 2.1-rc1\ntype = model\nsource = s.txt\n"
            + "sha256sums = SKIP\npackager = packager\n",
        Map.of("s.txt", "source file", "packager", """
            package() {
              {
                echo "pwd=$PWD"
                echo "srcdir=$srcdir"
                echo "pkgdir=$pkgdir"
                echo "startdir=$startdir"
                echo "pkgname=$pkgname"
                echo "pkgver=$pkgver"
                echo "s=$(cat s.txt)"
              } > "$pkgdir/vars.txt"
            }
            """));
    String vars = PackageFolders.entries(builder(dir).build()).get("data/vars.txt");
    String srcdir = line(vars, "srcdir");
    assertThat(line(vars, "pwd")).isEqualTo(srcdir);
    assertThat(srcdir).startsWith(home().resolve("builds").toString()).endsWith("/src");
    assertThat(line(vars, "pkgdir")).isEqualTo(srcdir.replaceFirst("/src$", "/pkg"));
    assertThat(line(vars, "startdir")).isEqualTo(dir.toString());
    assertThat(line(vars, "pkgname")).isEqualTo("vars");
    assertThat(line(vars, "pkgver")).isEqualTo("2.1-rc1");
    assertThat(line(vars, "s")).isEqualTo("source file");
  }

  @Test
  void guildIsOnThePathAndRunsThisBuildsCli() {
    Path dir = withPackager("package() { guild --version > \"$pkgdir/version.txt\"; }\n");
    String version = PackageFolders.entries(builder(dir).build()).get("data/version.txt");
    assertThat(version).startsWith("guild ").doesNotContain("unknown");
  }

  @Test
  void aPatchIsAppliedWithPatchP1InPrepare() {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("patched")
            + "source = hello.txt fix.patch\nsha256sums = SKIP SKIP\npackager = packager\n",
        Map.of("hello.txt", "hello world\n",
            "fix.patch", "--- a/hello.txt\n+++ b/hello.txt\n@@ -1 +1 @@\n-hello world\n+hello guild\n",
            "packager", "prepare() { patch -p1 < fix.patch; }\n"
                + "package() { cp hello.txt \"$pkgdir/\"; }\n"));
    assertThat(PackageFolders.entries(builder(dir).build()))
        .containsEntry("data/hello.txt", "hello guild\n");
  }

  @Test
  void withoutAPackagerTheFolderFilesArePackedButNotGuildPkgSourcesOrArchives()
      throws IOException {
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("plain")
            + "source = listed.txt\nsha256sums = SKIP\n",
        Map.of("listed.txt", "listed", "saved_model.pb", "pb", "variables/variables.index", "idx",
            "old-1.pkg.tar.zst", "stale archive"));
    Path archive = PackageBuilder.forDirectory(dir).home(home()).progress(output::add).build();
    assertThat(archive).isEqualTo(dir.resolve("plain-1" + PackageFormat.ZST_SUFFIX));
    assertThat(PackageFolders.entries(archive).keySet()).containsExactlyInAnyOrder(
        ".MANIFEST.json", ".FILES.json", "data/listed.txt", "data/saved_model.pb",
        "data/variables/variables.index");
    // Building again in place does not pack the first archive into the second.
    Path again = PackageBuilder.forDirectory(dir).home(home()).progress(output::add).build();
    assertThat(PackageFolders.entries(again).keySet()).doesNotContain("data/plain-1.pkg.tar.zst");
  }

  @Test
  void aSymbolicLinkOutOfPkgdirIsAnErrorAndNoArchiveAppears() {
    Path dir = withPackager("package() { ln -s /etc/hostname \"$pkgdir/escape\"; }\n");
    assertThatThrownBy(() -> builder(dir).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("points outside the package folder");
    assertThat(PackageFolders.listing(out())).isEmpty();
    assertThat(PackageFolders.workLeftovers(home())).isEmpty();
  }

  @Test
  void buildingTwiceGivesTheSameBytes() {
    Path dir = withPackager("package() { echo data > \"$pkgdir/a.txt\"; mkdir \"$pkgdir/d\";"
        + " echo x > \"$pkgdir/d/b.txt\"; chmod 755 \"$pkgdir/d/b.txt\"; }\n");
    String first = PackageFolders.sha256(builder(dir).build());
    String second = PackageFolders.sha256(builder(dir).build());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void sourceDateEpochGivesTheBuildDateAndIsPassedToThePackager() throws IOException {
    Path dir = withPackager("package() { echo \"$SOURCE_DATE_EPOCH\" > \"$pkgdir/epoch.txt\"; }\n");
    Map<String, String> without = PackageFolders.entries(builder(dir).build());
    assertThat(new ObjectMapper().readTree(without.get(PackageFormat.MANIFEST)).has("buildDate"))
        .isFalse();
    Map<String, String> with = PackageFolders.entries(builder(dir).sourceDateEpoch(1700000000L).build());
    assertThat(new ObjectMapper().readTree(with.get(PackageFormat.MANIFEST)).get("buildDate").asText())
        .isEqualTo("2023-11-14T22:13:20Z");
    assertThat(with.get("data/epoch.txt")).isEqualTo("1700000000\n");
  }

  @Test
  void anInterruptedBuildKillsThePackagerAndLeavesNothingBehind() throws Exception {
    Path dir = withPackager("package() { touch \"$startdir/started\"; sleep 600; }\n");
    Thread t = new Thread(() -> {
      try {
        builder(dir).build();
      } catch (GuildException e) {
        output.add("failed: " + e.getMessage());
      }
    });
    t.start();
    for (int i = 0; i < 600 && !Files.exists(dir.resolve("started")); i++) {
      Thread.sleep(50); // polls the condition, bounded at 30 s
    }
    assertThat(dir.resolve("started")).exists();
    t.interrupt();
    t.join(30_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(output).anyMatch(l -> l.startsWith("failed: interrupted"));
    assertThat(PackageFolders.listing(out())).isEmpty();
    assertThat(PackageFolders.workLeftovers(home())).isEmpty();
  }

  private static String line(String text, String key) {
    return text.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow()
        .substring(key.length() + 1);
  }
}
