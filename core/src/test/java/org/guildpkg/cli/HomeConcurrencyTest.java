package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageFolders;
import org.guildpkg.store.TestArchives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Guild home, two processes: a {@code guild package} in a child JVM stops in the middle of
 * its {@code package()} function while this JVM runs {@code list}, {@code install} and a load on
 * the same home (each opening the store, which removes leftovers of dead runs); the build then
 * finishes with its work folder intact. A build that is killed leaves a folder the next command
 * (a new process) removes.
 */
class HomeConcurrencyTest {
  @TempDir Path tmp;

  /** The packager: half of $pkgdir, a line on stderr, a bounded wait on a FIFO, the other half. */
  private static final String PACKAGER = """
      package() {
        echo first > "$pkgdir/first"
        echo "waiting in $pkgdir"
        exec 3<>"$startdir/go"
        read -r -t 120 -u 3 answer || { echo "nobody said go"; exit 9; }
        [[ -f "$pkgdir/first" ]] || { echo "pkgdir lost its files"; exit 7; }
        echo second > "$pkgdir/second"
      }
      """;

  @Test
  void aBuildSurvivesListInstallAndLoadFromAnotherProcessAndADeadBuildIsSweptAway()
      throws Exception {
    Path home = tmp.resolve("home");
    Path dir = PackageFolders.write(tmp.resolve("slow"),
        PackageFolders.header("slow") + "packager = packager\n", Map.of("packager", PACKAGER));
    mkfifo(dir.resolve("go"));
    String archive = TestArchives.simple(tmp.resolve("archives"), "other", "1.0", "").toString();

    Process build = guildProcess(home, "package", dir.toString(), "--output",
        tmp.resolve("out").toString());
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(build.getErrorStream(), StandardCharsets.UTF_8))) {
      String waiting = awaitLine(err, "waiting in ");
      Path pkgdir = Path.of(waiting.substring(waiting.indexOf("waiting in ") + 11));
      assertThat(pkgdir).startsWith(home.resolve("builds"));

      // Meanwhile, on the same home in this process: every command opens the store.
      CliRun list = CliRun.guild(home, "list");
      assertThat(list.status()).as(list.err()).isZero();
      CliRun install = CliRun.guild(home, "install", archive);
      assertThat(install.status()).as(install.err()).isZero();
      assertThat(GuildPackages.at(home).offline(true).load("other").version().value())
          .isEqualTo("1.0");
      assertThat(CliRun.guild(home, "info", "other").status()).isZero();
      assertThat(pkgdir.resolve("first")).exists();

      try (OutputStream go = Files.newOutputStream(dir.resolve("go"))) {
        go.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> drain(err));
      assertThat(build.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(build.exitValue()).as(rest.get(10, TimeUnit.SECONDS)).isZero();
      Path built = Path.of(output.strip().lines().reduce((a, b) -> b).orElseThrow());
      assertThat(PackageFolders.entries(built))
          .containsEntry("data/first", "first\n").containsEntry("data/second", "second\n");
    } finally {
      build.destroyForcibly();
    }
    assertThat(PackageFolders.workLeftovers(home)).isEmpty();

    // A build killed in its packager leaves its folder; the next command on the home removes it.
    Process killed = guildProcess(home, "package", dir.toString(), "--output",
        tmp.resolve("out2").toString());
    try (BufferedReader err = new BufferedReader(
        new InputStreamReader(killed.getErrorStream(), StandardCharsets.UTF_8))) {
      awaitLine(err, "waiting in ");
      List<ProcessHandle> packager = killed.descendants().toList();
      killed.destroyForcibly();
      assertThat(killed.waitFor(60, TimeUnit.SECONDS)).isTrue();
      packager.forEach(ProcessHandle::destroyForcibly); // its bash, orphaned by the kill
    }
    assertThat(PackageFolders.workLeftovers(home)).isNotEmpty();
    Process list = guildProcess(home, "list");
    list.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(list.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(list.exitValue()).isZero();
    assertThat(PackageFolders.workLeftovers(home)).isEmpty();
  }

  private static Process guildProcess(Path home, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), GuildCli.class.getName(),
        "--home", home.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).start();
  }

  private static void mkfifo(Path path) throws Exception {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  /** Reads lines until one contains {@code marker}; the child's own bounds end the stream. */
  private static String awaitLine(BufferedReader err, String marker) throws Exception {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      StringBuilder seen = new StringBuilder();
      try {
        for (String l; (l = err.readLine()) != null; ) {
          if (l.contains(marker)) {
            return l;
          }
          seen.append(l).append('\n');
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException("the build ended without '" + marker + "':\n" + seen);
    });
    return line.get(120, TimeUnit.SECONDS);
  }

  private static String drain(BufferedReader err) {
    StringBuilder b = new StringBuilder();
    try {
      for (String l; (l = err.readLine()) != null; ) {
        b.append(l).append('\n');
      }
    } catch (IOException e) {
      b.append(e);
    }
    return b.toString();
  }
}
