package org.guildpkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.guildpkg.mirror.MirrorSpec;
import org.guildpkg.mirror.Nginx;
import org.guildpkg.mirror.Publisher;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load(spec, progress)} reports the download from a real nginx mirror and the install,
 * each with growing byte counts up to its total, and nothing for a package already installed.
 */
class LoadProgressTest {
  @TempDir Path tmp;

  private record Call(String step, long done, long total) {}

  @Test
  void loadReportsDownloadAndInstallProgressWithGrowingValues() throws Exception {
    Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at /usr/sbin/nginx (.ci/run installs it)");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"))) {
      // 2 MB of incompressible data: many 64 KiB reads.
      Path archive = TestArchives.random(tmp.resolve("out"), "big-data", "1.0", 8, 256 << 10, 7);
      Publisher.publish(List.of(archive), nginx.url(), Optional.empty());
      GuildHome home = GuildPackages.at(tmp.resolve("home")).offline(false);
      home.mirrorConfig().add(new MirrorSpec("web", nginx.url(), Optional.empty()));

      List<Call> calls = new ArrayList<>();
      GuildPackage p = home.load("big-data", (step, done, total) -> calls.add(new Call(step, done, total)));
      assertThat(p.toString()).isEqualTo("big-data@1.0");

      List<Call> download = calls.stream().filter(c -> c.step().equals("big-data-1.0.pkg.tar.zst")).toList();
      List<Call> install = calls.stream().filter(c -> c.step().equals("extracting")).toList();
      assertThat(download.size() + install.size()).isEqualTo(calls.size());
      for (List<Call> step : List.of(download, install)) {
        assertThat(step).extracting(Call::done).isSorted(); // never backwards
        assertThat(step.stream().map(Call::done).distinct().count()).isGreaterThan(3);
        Call last = step.get(step.size() - 1);
        assertThat(last.done()).isEqualTo(last.total());
      }
      assertThat(download.get(0).total()).isEqualTo(Files.size(archive));

      calls.clear();
      home.load("big-data", (step, done, total) -> calls.add(new Call(step, done, total)));
      assertThat(calls).isEmpty();
    }
  }
}
