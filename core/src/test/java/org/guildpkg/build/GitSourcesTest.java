package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.io.FileOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git sources on a real local repository reached through {@code git+file://}. */
class GitSourcesTest {
  @TempDir Path tmp;
  private Path repo;
  private String first;
  private String second;

  @BeforeEach
  void makeRepository() throws Exception {
    repo = Files.createDirectories(tmp.resolve("upstream/model-code.git"));
    git(repo, "init", "--quiet");
    Files.writeString(repo.resolve("train.py"), "version one\n");
    git(repo, "add", "train.py");
    git(repo, "commit", "--quiet", "-m", "one");
    git(repo, "tag", "v1");
    first = git(repo, "rev-parse", "HEAD").strip();
    Files.writeString(repo.resolve("train.py"), "version two\n");
    git(repo, "commit", "--quiet", "-am", "two");
    second = git(repo, "rev-parse", "HEAD").strip();
  }

  private Path home() {
    return tmp.resolve("home");
  }

  private PackageBuilder builder(Path dir, List<String> lines) {
    return PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(home())
        .progress(lines::add).sources(SourceSearchPath.empty());
  }

  private Path folder(String source, String sum, String packager) {
    return PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("git-test")
        + "source = " + source + "\nsha256sums = " + sum + "\n"
        + (packager.isEmpty() ? "" : "packager = packager\n"),
        packager.isEmpty() ? Map.of() : Map.of("packager", packager));
  }

  private String url() {
    return "git+" + repo.toUri().toString().replaceAll("/$", "");
  }

  @Test
  void aCommitPinChecksOutThatCommitFromABareCloneInTheCache() throws Exception {
    Path dir = folder("code::" + url() + "#commit=" + first, "SKIP",
        "package() { cp code/train.py \"$pkgdir/\"; git -C code rev-parse HEAD > \"$pkgdir/commit\"; }\n");
    List<String> lines = new ArrayList<>();
    Path archive = builder(dir, lines).build();
    assertThat(PackageFolders.entries(archive))
        .containsEntry("data/train.py", "version one\n")
        .containsEntry("data/commit", first + "\n");
    assertThat(lines).anyMatch(l -> l.startsWith("  -> Cloning code from " + url().substring(4)));

    // The upstream repository is gone: the bare clone in the source cache serves the pin, offline.
    FileOps.deleteTree(repo);
    List<String> again = new ArrayList<>();
    Path second = builder(dir, again).offline(true).build();
    assertThat(PackageFolders.entries(second)).containsEntry("data/train.py", "version one\n");
    assertThat(again).contains("  -> Found code in the source cache");
  }

  @Test
  void aNewCommitIsFetchedIntoTheCachedCloneAndWithoutAPackagerTheCheckoutIsPacked()
      throws Exception {
    builder(folder("code::" + url() + "#commit=" + first, "SKIP", ""), new ArrayList<>()).build();
    Files.writeString(repo.resolve("train.py"), "version three\n");
    git(repo, "commit", "--quiet", "-am", "three");
    String third = git(repo, "rev-parse", "HEAD").strip();
    List<String> lines = new ArrayList<>();
    Path archive = builder(folder("code::" + url() + "#commit=" + third, "SKIP", ""), lines)
        .build();
    assertThat(lines).anyMatch(l -> l.startsWith("  -> Updating code from "));
    assertThat(PackageFolders.entries(archive)).containsOnlyKeys(
        ".MANIFEST.json", ".FILES.json", "data/code/train.py")
        .containsEntry("data/code/train.py", "version three\n");
  }

  @Test
  void aTagPinNeedsAChecksumThatGenChecksumsPrintsAndABuildVerifies() throws Exception {
    String source = url() + "#tag=v1";
    assertThatThrownBy(() -> builder(folder(source, "SKIP", ""), new ArrayList<>()).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("GuildPkg:6: sha256sums: source '" + source
            + "' is pinned by a tag, which can move");

    Path dir = folder(source, "0".repeat(64), "");
    List<String> sums = builder(dir, new ArrayList<>()).checksums();
    assertThat(sums).hasSize(1);
    assertThat(sums.get(0)).matches("[0-9a-f]{64}").isNotEqualTo(
        builder(folder(url() + "#commit=" + second, "SKIP", ""), new ArrayList<>()).checksums()
            .get(0));

    Path ok = builder(folder(source, sums.get(0), ""), new ArrayList<>()).build();
    assertThat(PackageFolders.entries(ok)).containsEntry("data/model-code/train.py",
        "version one\n");

    // The tag moves to other content: the checksum stops the build.
    git(repo, "tag", "-f", "v1", second);
    FileOps.deleteTree(home().resolve("cache"));
    assertThatThrownBy(() -> builder(folder(source, sums.get(0), ""), new ArrayList<>()).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("sha256 mismatch for source '" + source + "'");
  }

  @Test
  void anUnknownCommitOrAnUnpinnedRepositoryIsAClearError() {
    String missing = "0123456789abcdef0123456789abcdef01234567";
    assertThatThrownBy(() -> builder(folder(url() + "#commit=" + missing, "SKIP", ""),
            new ArrayList<>()).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("Git source " + url().substring(4) + " has no commit " + missing);
    assertThatThrownBy(() -> builder(folder(url(), "SKIP", ""), new ArrayList<>()).build())
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("a Git source must be pinned with #commit=SHA");
    assertThat(PackageFolders.workLeftovers(home())).isEmpty();
  }

  static String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Guild Test",
        "-c", "user.email=test@guildpkg.org", "-c", "init.defaultBranch=main",
        "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
