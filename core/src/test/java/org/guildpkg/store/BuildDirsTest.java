package org.guildpkg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build folders are swept only when their build is gone, never while it runs. */
class BuildDirsTest {
  @TempDir Path tmp;

  @Test
  void aRunningBuildsFolderSurvivesSweepsAndStoreOpensOnAnyThread() throws Exception {
    HomeLayout layout = HomeLayout.of(tmp.resolve("home")).create();
    try (BuildDirs.BuildDir work = BuildDirs.create(layout, "build-x")) {
      Files.writeString(work.path().resolve("half"), "done so far");
      // On the build's own thread (the lock is reentrant) and on another thread.
      assertThat(BuildDirs.sweep(layout)).isZero();
      Store.open(layout);
      assertThat(CompletableFuture.supplyAsync(() -> BuildDirs.sweep(layout))
          .get(30, TimeUnit.SECONDS)).isZero();
      assertThat(work.path().resolve("half")).hasContent("done so far");
    }
    assertThat(Files.list(layout.builds()).map(p -> p.getFileName().toString()))
        .containsExactly(".lock");
  }

  @Test
  void aFolderWhoseLockNobodyHoldsIsSwept() throws Exception {
    HomeLayout layout = HomeLayout.of(tmp.resolve("home")).create();
    // What a killed build leaves: its folder and lock file, the lock released by the OS.
    Path dead = Files.createDirectories(layout.builds().resolve("build-y-123/pkg"));
    Files.writeString(layout.builds().resolve("build-y-123.lock"), "");
    Files.writeString(dead.resolve("f"), "x");
    assertThat(BuildDirs.sweep(layout)).isEqualTo(1);
    assertThat(Files.list(layout.builds()).map(p -> p.getFileName().toString()))
        .containsExactly(".lock");
  }
}
