package org.guildpkg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.Requirement;
import org.guildpkg.spec.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path tmp;

  private Path home() {
    return tmp.resolve("home");
  }

  @Test
  void openCreatesTheLayoutAndRemovesLeftoversOfAKilledRun() throws IOException {
    Store.open(home());
    for (String d : List.of("packages", "tmp", "builds", "cache/sources", "cache/downloads",
        "cache/indexes")) {
      assertThat(home().resolve(d)).isDirectory();
    }
    Path leftover = Files.createDirectories(home().resolve("tmp/install-demo-1-123/pkg/a"));
    Files.writeString(leftover.resolve("f"), "half");
    Files.createDirectories(home().resolve("packages/half"));
    Store.open(home());
    assertThat(TestArchives.tmpEntries(home())).isEmpty();
    assertThat(home().resolve("packages/half")).doesNotExist();
  }

  @Test
  void verifyRacingAnUninstallSkipsTheUninstalledPackageInsteadOfCallingTheStoreDamaged()
      throws Exception {
    Store store = Store.open(home());
    store.install(TestArchives.random(tmp.resolve("a"), "aaa-big", "1", 16, 4 << 20, 1));
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 4; i++) {
        store.install(TestArchives.simple(tmp.resolve("s" + round), "small" + i, "1", ""));
      }
      ExecutorService ex = Executors.newSingleThreadExecutor();
      try {
        // verify hashes the big package first; the small ones go meanwhile.
        Future<VerifyReport> v = ex.submit(() -> store.verify(List.of()));
        for (int i = 0; i < 4; i++) {
          store.uninstall(PackageName.of("small" + i), Optional.empty(), true);
        }
        VerifyReport r = v.get(60, TimeUnit.SECONDS);
        assertThat(r.ok()).isTrue();
      } finally {
        ex.shutdownNow();
      }
    }
  }

  @Test
  void aSwappedArchiveOfTheSameSizeIsRefusedBeforeAnyOfItIsParsed() throws IOException {
    // A file mirror's folder is writable by someone without the key: the index vouches for one
    // archive, the folder holds another of the same size. Nothing of it may be parsed.
    Path signed = TestArchives.random(tmp.resolve("a"), "demo", "1.0", 4, 4096, 1);
    Path swapped = TestArchives.random(tmp.resolve("b"), "demo", "1.0", 4, 4096, 2);
    assertThat(Files.size(swapped)).isEqualTo(Files.size(signed));
    ArchiveChecksum indexed = new ArchiveChecksum(Files.size(signed),
        org.guildpkg.archive.ArchiveWriter.sha256(signed), "file:///mirror/demo-1.0.pkg.tar.zst");
    Store store = Store.open(home());
    List<Long> progress = new java.util.ArrayList<>();
    assertThatThrownBy(() -> store.install(swapped, InstallOptions.defaults()
            .withProgress((done, total) -> progress.add(done)).verifying(indexed)))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("checksum mismatch for file:///mirror/demo-1.0.pkg.tar.zst")
        .hasNoCause();
    assertThat(progress).as("the extractor never started").isEmpty();
    assertThat(store.installed()).isEmpty();
    assertThat(store.install(signed, InstallOptions.defaults().verifying(indexed)).name())
        .isEqualTo(PackageName.of("demo"));
  }

  @Test
  void installPutsFilesAndMetadataIntoPackagesNameVersion() throws IOException {
    Store store = Store.open(home());
    GuildPackage p = store.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.0", ""));
    Path dir = home().resolve("packages/demo/1.0");
    assertThat(p.path()).isEqualTo(dir);
    assertThat(p.name()).isEqualTo(PackageName.of("demo"));
    assertThat(dir.resolve("README.txt")).hasContent("demo 1.0");
    assertThat(dir.resolve("data/part-0.txt")).hasContent("zero 1.0");
    assertThat(dir.resolve(".MANIFEST.json")).isRegularFile();
    assertThat(dir.resolve(".FILES.json")).isRegularFile();
    assertThat(store.installed()).containsExactly(p);
    assertThat(TestArchives.tmpEntries(home())).isEmpty();
  }

  @Test
  void severalVersionsLiveSideBySideAndFindPicksTheHighestThatMatches() {
    Store store = Store.open(home());
    store.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.9", ""));
    store.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.10", ""));
    store.install(TestArchives.simple(tmp.resolve("a"), "demo", "2.0-rc1", ""));
    assertThat(store.installed()).extracting(p -> p.version().value())
        .containsExactly("1.9", "1.10", "2.0-rc1");
    assertThat(store.find(Requirement.parse("demo")).orElseThrow().version().value()).isEqualTo("2.0-rc1");
    assertThat(store.find(Requirement.parse("demo<2.0-a")).orElseThrow().version().value()).isEqualTo("1.10");
    assertThat(store.find(Requirement.parse("demo@1.9")).orElseThrow().version().value()).isEqualTo("1.9");
    assertThat(store.find(Requirement.parse("demo>=3"))).isEmpty();
    assertThat(store.find(Requirement.parse("other"))).isEmpty();
  }

  @Test
  void installingTheSameArchiveAgainIsANoOp() throws IOException {
    Store store = Store.open(home());
    Path archive = TestArchives.simple(tmp.resolve("a"), "demo", "1.0", "");
    GuildPackage first = store.install(archive);
    Path marker = first.path().resolve("README.txt");
    long inode = (long) Files.getAttribute(marker, "unix:ino");
    GuildPackage again = store.install(archive);
    assertThat(again).isEqualTo(first);
    assertThat((long) Files.getAttribute(marker, "unix:ino")).isEqualTo(inode);
  }

  @Test
  void installingDifferentContentUnderAnInstalledNameAndVersionIsRefused() {
    Store store = Store.open(home());
    store.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.0", ""));
    List<String> before = TestArchives.snapshot(home());
    Path other = TestArchives.archive(tmp.resolve("b"), "demo", "1.0", "", Map.of("x.txt", "other"));
    assertThatThrownBy(() -> store.install(other))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("demo@1.0 is already installed with different content");
    assertThat(TestArchives.snapshot(home())).isEqualTo(before);
  }

  @Test
  void installingWithAMissingRequirementIsRefusedNamingIt() {
    Store store = Store.open(home());
    Path app = TestArchives.simple(tmp.resolve("a"), "app", "1", "base >= 2");
    store.install(TestArchives.simple(tmp.resolve("a"), "base", "1", ""));
    assertThatThrownBy(() -> store.install(app))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("requires 'base >= 2'");
    assertThat(store.find(Requirement.parse("app"))).isEmpty();
    store.install(TestArchives.simple(tmp.resolve("a"), "base", "2", ""));
    assertThat(store.install(app).name().value()).isEqualTo("app");
  }

  @Test
  void anArchiveHoldingAnotherPackageThanExpectedIsRefused() {
    Store store = Store.open(home());
    Path archive = TestArchives.simple(tmp.resolve("a"), "demo", "1.0", "");
    assertThatThrownBy(() -> store.install(archive,
            InstallOptions.defaults().expecting(PackageName.of("demo"), Version.parse("2.0"))))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("holds demo@1.0 but demo@2.0 was expected");
    assertThat(store.installed()).isEmpty();
  }

  @Test
  void uninstallIsRefusedWhileRequiredAndDoneWithForce() {
    Store store = Store.open(home());
    store.install(TestArchives.simple(tmp.resolve("a"), "base", "1", ""));
    store.install(TestArchives.simple(tmp.resolve("a"), "app", "1", "base >= 1"));
    assertThatThrownBy(() -> store.uninstall(PackageName.of("base"), Optional.empty(), false))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("cannot uninstall base@1: app@1 requires 'base >= 1'");
    assertThat(home().resolve("packages/base/1")).isDirectory();
    List<GuildPackage> removed = store.uninstall(PackageName.of("base"), Optional.empty(), true);
    assertThat(removed).extracting(GuildPackage::toString).containsExactly("base@1");
    assertThat(home().resolve("packages/base")).doesNotExist();
    assertThat(TestArchives.tmpEntries(home())).isEmpty();
  }

  @Test
  void uninstallingAnOlderVersionIsAllowedWhenANewerOneStillSatisfiesDependents() {
    Store store = Store.open(home());
    store.install(TestArchives.simple(tmp.resolve("a"), "base", "1", ""));
    store.install(TestArchives.simple(tmp.resolve("a"), "base", "2", ""));
    store.install(TestArchives.simple(tmp.resolve("a"), "app", "1", "base >= 1"));
    store.uninstall(PackageName.of("base"), Optional.of(Version.parse("1")), false);
    assertThat(store.installed(PackageName.of("base"))).extracting(GuildPackage::toString)
        .containsExactly("base@2");
    assertThat(store.uninstall(List.of(Requirement.parse("app"), Requirement.parse("base")), false))
        .hasSize(2);
    assertThat(store.installed()).isEmpty();
  }

  @Test
  void uninstallingWhatIsNotInstalledNamesIt() {
    Store store = Store.open(home());
    assertThatThrownBy(() -> store.uninstall(PackageName.of("ghost"), Optional.of(Version.parse("3")), false))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("cannot uninstall ghost@3: it is not installed");
  }

  @Test
  void verifyReportsChangedMissingAndExtraFilesByPath() throws IOException {
    Store store = Store.open(home());
    GuildPackage p = store.install(TestArchives.simple(tmp.resolve("a"), "demo", "1.0", ""));
    assertThat(store.verify(List.of()).ok()).isTrue();
    Files.writeString(p.path().resolve("README.txt"), "tampered\n");
    Files.delete(p.path().resolve("data/part-0.txt"));
    Files.writeString(p.path().resolve("data/new.txt"), "extra");
    Files.createDirectories(p.path().resolve("junk/deeper"));
    VerifyReport report = store.verify(List.of(PackageName.of("demo")));
    assertThat(report.ok()).isFalse();
    VerifyReport.PackageResult r = report.packages().get(0);
    assertThat(r.changed()).containsExactly("README.txt");
    assertThat(r.missing()).containsExactly("data/part-0.txt");
    assertThat(r.extra()).containsExactly("data/new.txt", "junk");
  }

  @Test
  void theLockIsReentrantAndExcludesOtherThreads() throws Exception {
    Store store = Store.open(home());
    Path archive = TestArchives.simple(tmp.resolve("a"), "demo", "1.0", "");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Store.Lock outer = store.lock()) {
      store.install(archive); // takes the lock again on this thread
      Future<Boolean> attempt = other.submit(() -> {
        try (Store.Lock l = store.lock()) {
          return store.find(Requirement.parse("demo@1.0")).isPresent();
        }
      });
      assertThat(attempt.isDone()).isFalse();
      store.uninstall(PackageName.of("demo"), Optional.empty(), false);
      outer.close();
      // The other thread only got the lock after the uninstall, so it sees no package.
      assertThat(attempt.get(30, TimeUnit.SECONDS)).isFalse();
    } finally {
      other.shutdownNow();
    }
  }
}
