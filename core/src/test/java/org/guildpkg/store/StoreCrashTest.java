package org.guildpkg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.guildpkg.GuildPackage;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spec.PackageName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Kills a child JVM with SIGKILL at random instants while it installs (or uninstalls) a large
 * package; after each kill, opening the store cleans up and the package is complete or absent.
 */
class StoreCrashTest {
  private static final Logger LOG = LoggerFactory.getLogger(StoreCrashTest.class);
  private static final int KILLS = 20;

  @TempDir Path tmp;

  @Test
  void installAndUninstallAreAtomicWhenKilled() throws Exception {
    // 24 MB of incompressible data in 96 files, so extraction takes a while and leaves many files.
    Path archive = TestArchives.random(tmp.resolve("archives"), "big", "1", 96, 256 << 10, 42);
    Path home = tmp.resolve("home");
    PackageName big = PackageName.of("big");

    // One undisturbed run tells how long an install takes here; kills land within 1.5 times that.
    long expectedMillis = runToEnd(home, archive);
    Store store = Store.open(home);
    assertThat(store.installed(big)).hasSize(1);
    store.uninstall(big, java.util.Optional.empty(), false);

    Random random = new Random();
    int complete = 0;
    int absent = 0;
    int leftovers = 0;
    for (int i = 0; i < KILLS; i++) {
      boolean installed = !Store.open(home).installed(big).isEmpty();
      List<String> args = installed
          ? List.of("uninstall", home.toString(), "big")
          : List.of("install", home.toString(), archive.toString());
      Path log = tmp.resolve("child-" + i + ".log");
      Process child = StoreChild.command(log, args).start();
      try {
        awaitLine(log, "ready", child);
        // The kill instant: random within the i-th of KILLS equal slices of 0..1.5x a full run, so
        // the kills spread over opening, extracting, committing and after.
        double slice = expectedMillis * 1.5 / KILLS;
        long delay = (long) (slice * (i + random.nextDouble()));
        Thread.sleep(delay);
        if (delay > expectedMillis && !Files.readString(log).contains("done")) {
          // Slower than the calibration run (a busy machine): stretch the window to keep
          // some kills after the commit.
          expectedMillis = delay * 5 / 4;
        }
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      if (!TestArchives.tmpEntries(home).isEmpty()) {
        leftovers++;
      }

      store = Store.open(home);
      assertThat(TestArchives.tmpEntries(home)).as("leftovers cleaned after kill %d", i).isEmpty();
      List<GuildPackage> now = store.installed(big);
      VerifyReport report = store.verify(List.of());
      assertThat(report.ok()).as("verify after kill %d: %s", i, report).isTrue();
      StringWriter cliOut = new StringWriter();
      CommandLine cli = GuildCli.commandLine();
      cli.setOut(new PrintWriter(cliOut, true));
      cli.setErr(new PrintWriter(cliOut, true));
      assertThat(cli.execute("--home", home.toString(), "verify")).as(cliOut.toString()).isZero();
      if (now.isEmpty()) {
        absent++;
        assertThat(home.resolve("packages/big")).doesNotExist();
      } else {
        complete++;
        assertThat(report.packages()).hasSize(1);
        assertThat(now.get(0).path().resolve("shard-07/part-0095.bin")).hasSize(256 << 10);
      }
    }
    LOG.info("{} kills: {} complete, {} absent, {} left a work folder behind", KILLS, complete, absent, leftovers);
    assertThat(complete + absent).isEqualTo(KILLS);
  }

  private long runToEnd(Path home, Path archive) throws Exception {
    Path log = tmp.resolve("calibrate.log");
    Process child = StoreChild.command(log, List.of("install", home.toString(), archive.toString())).start();
    awaitLine(log, "ready", child);
    long start = System.nanoTime();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(child.exitValue()).as(Files.readString(log)).isZero();
    return millis;
  }

  static void awaitLine(Path log, String line, Process child) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!Files.exists(log) || !Files.readString(log).lines().anyMatch(line::equals)) {
      if (!child.isAlive() && !(Files.exists(log) && Files.readString(log).lines().anyMatch(line::equals))) {
        throw new AssertionError("child ended (" + child.exitValue() + ") before '" + line + "': "
            + (Files.exists(log) ? Files.readString(log) : ""));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("child did not print '" + line + "' within 60 s");
      }
      Thread.sleep(2);
    }
  }
}
