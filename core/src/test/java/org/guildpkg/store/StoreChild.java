package org.guildpkg.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.guildpkg.spec.PackageName;

/**
 * The child JVM of the crash and concurrency tests: {@code install HOME ARCHIVE [BARRIER N]} or
 * {@code uninstall HOME NAME}. Prints {@code ready} once the store is open, then does the work and
 * prints {@code done}. With a barrier folder it first announces itself there and waits (bounded)
 * until N children have, so that they all start installing together.
 */
public final class StoreChild {
  private StoreChild() {}

  /** Runs one store operation; see the class comment. */
  public static void main(String[] args) throws Exception {
    Store store = Store.open(Path.of(args[1]));
    if (args.length > 3) {
      Path barrier = Path.of(args[3]);
      int n = Integer.parseInt(args[4]);
      Files.createTempFile(barrier, "child-", ".ready");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (countReady(barrier) < n) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the other children never arrived at " + barrier);
        }
        Thread.onSpinWait();
        Thread.sleep(5);
      }
    }
    System.out.println("ready");
    System.out.flush();
    if (args[0].equals("install")) {
      store.install(Path.of(args[2]));
    } else {
      store.uninstall(PackageName.of(args[2]), Optional.empty(), true);
    }
    System.out.println("done");
    System.out.flush();
  }

  private static long countReady(Path barrier) throws java.io.IOException {
    try (var s = Files.list(barrier)) {
      return s.filter(p -> p.toString().endsWith(".ready")).count();
    }
  }

  /** A process builder running this class with the current class path. */
  static ProcessBuilder command(Path log, List<String> args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.log.org.guildpkg.store=debug",
        "-cp", System.getProperty("java.class.path"), StoreChild.class.getName()));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
  }
}
