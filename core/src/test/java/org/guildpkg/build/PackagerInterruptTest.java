package org.guildpkg.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping {@code guild package} (SIGTERM, or SIGINT as Ctrl-C sends) while a packager that
 * never ends is running: the packager's bash and its children are killed, and the work folder
 * is gone.
 */
class PackagerInterruptTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void stoppingTheBuildKillsThePackagersProcessTreeAndLeavesNoWorkFolder(String signal)
      throws Exception {
    Path pids = tmp.resolve("pids");
    Path dir = PackageFolders.write(tmp.resolve("pkg"),
        PackageFolders.header("forever") + "packager = packager\n",
        Map.of("packager", "package() {\n  sleep 600 &\n  echo \"$$ $!\" > " + pids
            + ".tmp\n  mv " + pids + ".tmp " + pids + "\n  wait\n}\n"));
    Path home = tmp.resolve("home");
    Process guild = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "org.guildpkg.cli.GuildCli", "--home", home.toString(), "package", dir.toString(),
        "--output", tmp.resolve("out").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("guild.log").toFile()).start();
    List<Long> started = new ArrayList<>();
    try {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!Files.exists(pids)) {
        assertThat(Instant.now()).as("the packager started").isBefore(deadline);
        assertThat(guild.isAlive()).as("guild is running").isTrue();
        Thread.sleep(50);
      }
      for (String pid : Files.readString(pids).strip().split(" ")) {
        started.add(Long.parseLong(pid));
      }
      assertThat(started).hasSize(2).allMatch(PackagerInterruptTest::alive);
      assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(guild.pid())).start()
          .waitFor()).isZero();
      assertThat(guild.waitFor(30, TimeUnit.SECONDS)).as("guild stops").isTrue();
      Instant gone = Instant.now().plus(Duration.ofSeconds(10));
      while (started.stream().anyMatch(PackagerInterruptTest::alive) && Instant.now().isBefore(gone)) {
        Thread.sleep(50);
      }
      assertThat(started).as("the packager's bash and its sleep").noneMatch(PackagerInterruptTest::alive);
      try (var s = Files.walk(home)) {
        assertThat(s.filter(Files::isDirectory)
                .filter(d -> d.getFileName().toString().startsWith("build-")).toList())
            .as("work folders left behind").isEmpty();
      }
    } finally {
      guild.destroyForcibly();
      for (long pid : started) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Alive and not a zombie waiting for a parent that is gone. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }
}
