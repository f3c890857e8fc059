package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.guildpkg.io.PathLock;
import org.guildpkg.mirror.Nginx;
import org.guildpkg.mirror.TestPackages;
import org.guildpkg.store.BuildDirs;
import org.guildpkg.store.HomeCache;
import org.guildpkg.store.HomeLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild cache list|clean} against archives really downloaded from an nginx mirror (and a
 * reinstall from the cache that says "using cached" instead of "downloading"): a clean
 * keeps installed packages' archives, a download's locked archive and, while a build runs, the
 * source cache.
 */
class CacheCommandTest {
  @TempDir Path tmp;
  Nginx nginx;
  final ExecutorService other = Executors.newSingleThreadExecutor();
  String out;
  String err;

  @AfterEach
  void stop() throws Exception {
    other.shutdownNow();
    if (nginx != null) {
      nginx.close();
    }
  }

  private int guild(String... args) {
    CliRun r = CliRun.guild(tmp.resolve("home"), args);
    out = r.out();
    err = r.err();
    return r.status();
  }

  @Test
  void cleanKeepsInstalledArchivesLockedDownloadsAndSourcesOfARunningBuild() throws Exception {
    Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at /usr/sbin/nginx (.ci/run installs it)");
    nginx = Nginx.start(tmp.resolve("nginx"));
    String url = nginx.url().resolve("m/").toString();
    for (String n : new String[] {"alpha", "beta"}) {
      Path a = TestPackages.simple(tmp.resolve("w"), n, "1.0", "", n + " content", tmp.resolve("out"));
      assertThat(guild("publish", a.toString(), "--mirror", url)).as(err).isZero();
    }
    assertThat(guild("mirror", "add", "web", url)).as(err).isZero();
    assertThat(guild("install", "alpha", "beta")).as(err).isZero();
    assertThat(err).contains("downloading beta@1.0 from mirror web");
    assertThat(guild("uninstall", "beta")).as(err).isZero();
    // The archive is still in the cache: no transfer, and the note says so.
    assertThat(guild("install", "beta")).as(err).isZero();
    assertThat(err).contains("using cached beta@1.0").doesNotContain("downloading");
    assertThat(guild("uninstall", "beta")).as(err).isZero();
    HomeLayout layout = HomeLayout.of(tmp.resolve("home"));
    Path downloads = layout.downloadCache();
    Path alpha = downloads.resolve("alpha-1.0.pkg.tar.zst");
    Path beta = downloads.resolve("beta-1.0.pkg.tar.zst");
    Path gamma = Files.writeString(downloads.resolve("gamma-1.0.pkg.tar.zst.part"), "half an archive");
    Path source = Files.createDirectories(layout.sourceCache().resolve("0123456789abcdef"))
        .resolve("upstream.tar.gz");
    Files.write(source, new byte[5000]);
    Path features = Files.createDirectories(layout.featureCache().resolve("parent-1.0-0123/data-1.0-4567/train"))
        .resolve("part-00000.features");
    Files.write(features, new byte[3000]);
    Path featureSet = features.getParent().getParent();

    assertThat(guild("cache", "list")).as(err).isZero();
    assertThat(out).contains("cache/downloads/alpha-1.0.pkg.tar.zst  [installed]")
        .contains("cache/downloads/beta-1.0.pkg.tar.zst\n").contains("5.0 kB  cache/sources/0123456789abcdef/upstream.tar.gz")
        .contains("cache/indexes/web.json").contains("features     3.0 kB  cache/features/parent-1.0-0123/data-1.0-4567\n");
    assertThat(guild("cache", "list", "--json")).as(err).isZero();
    JsonNode json = new ObjectMapper().readTree(out);
    long sum = 0;
    for (JsonNode e : json.get("entries")) {
      sum += e.get("bytes").asLong();
    }
    assertThat(json.get("bytes").asLong()).isEqualTo(sum)
        .isEqualTo(Files.size(alpha) + Files.size(beta) + Files.size(gamma) + 5000 + 3000
            + Files.size(layout.cachedIndex("web")) + Files.size(layout.cachedSearchDigest("web"))
            + Files.size(layout.cachedIndexValidators("web")));

    // A download in progress (another thread holds its lock), a running build and a
    // transfer-learning run using the features.
    PathLock gammaLock = PathLock.of(downloads.resolve("gamma-1.0.pkg.tar.zst.lock"));
    other.submit(gammaLock::acquire).get(10, TimeUnit.SECONDS);
    PathLock featuresLock = HomeCache.featuresLock(featureSet);
    other.submit(featuresLock::acquire).get(10, TimeUnit.SECONDS);
    BuildDirs.BuildDir build = other.submit(() -> BuildDirs.create(layout, "build-x")).get(10, TimeUnit.SECONDS);

    assertThat(guild("cache", "clean")).as(err).isZero();
    assertThat(beta).doesNotExist();
    assertThat(alpha).exists();
    assertThat(gamma).exists();
    assertThat(features).exists();
    assertThat(out).startsWith("removed 1 entry, ");
    assertThat(err).contains("kept cache/downloads/gamma-1.0.pkg.tar.zst.part: in use by a download or an install")
        .contains("kept 1 archive(s) of installed packages");

    assertThat(guild("cache", "clean", "--all")).as(err).isZero();
    assertThat(alpha).doesNotExist();
    assertThat(gamma).exists();
    assertThat(source).exists();
    assertThat(layout.cachedIndex("web")).doesNotExist();
    assertThat(err).contains("kept cache/sources/0123456789abcdef/upstream.tar.gz: a package build is running (build-x")
        .contains("kept cache/features/parent-1.0-0123/data-1.0-4567: in use by a transfer-learning run");
    assertThat(features).exists();
    assertThat(layout.packageDir(org.guildpkg.spec.PackageName.of("alpha"),
        org.guildpkg.spec.Version.parse("1.0")).resolve("README.txt")).hasContent("alpha content");

    other.submit(() -> {
      build.close();
      gammaLock.release();
      featuresLock.release();
    }).get(10, TimeUnit.SECONDS);
    assertThat(guild("cache", "clean", "--all")).as(err).isZero();
    assertThat(gamma).doesNotExist();
    assertThat(source).doesNotExist();
    assertThat(featureSet).doesNotExist();
    assertThat(guild("cache", "list")).isZero();
    assertThat(err).contains("are empty");
    assertThat(guild("verify")).as(out + err).isZero();
  }
}
