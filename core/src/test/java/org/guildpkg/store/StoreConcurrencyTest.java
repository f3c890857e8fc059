package org.guildpkg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.guildpkg.spec.PackageName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Four JVMs install the same package at the same moment: all succeed, one extracts. */
class StoreConcurrencyTest {
  private static final int CHILDREN = 4;

  @TempDir Path tmp;

  @Test
  void fourProcessesInstallingTheSamePackageAllSucceedWithOneExtraction() throws Exception {
    Path archive = TestArchives.random(tmp.resolve("archives"), "shared", "1", 32, 128 << 10, 7);
    Path home = tmp.resolve("home");
    Path barrier = Files.createDirectories(tmp.resolve("barrier"));
    List<Process> children = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < CHILDREN; i++) {
      Path log = tmp.resolve("child-" + i + ".log");
      logs.add(log);
      children.add(StoreChild.command(log, List.of("install", home.toString(), archive.toString(),
          barrier.toString(), Integer.toString(CHILDREN))).start());
    }
    int extractions = 0;
    for (int i = 0; i < CHILDREN; i++) {
      Process p = children.get(i);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(logs.get(i));
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("done");
      // The store logs this line (DEBUG, enabled in the child) once per real extraction.
      extractions += (int) out.lines().filter(l -> l.contains("extracting shared@1 from")).count();
    }
    assertThat(extractions).isEqualTo(1);
    Store store = Store.open(home);
    assertThat(store.installed(PackageName.of("shared"))).hasSize(1);
    assertThat(store.verify(List.of()).ok()).isTrue();
    assertThat(TestArchives.tmpEntries(home)).isEmpty();
  }
}
