package org.guildpkg.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code curl} in another process, as a client that is not the JVM's would: shared
 * by the serving tests of tf-runtime and examples (core's test jar).
 */
public final class Curl {
  private Curl() {}

  /**
   * Runs {@code curl -sS --max-time 60 ARGS...} and returns what it printed (standard output and
   * error); fails the test unless curl exits 0 within 90 seconds.
   */
  public static String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("curl", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean finished = p.waitFor(90, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
      }
      assertThat(finished).as("curl finished").isTrue();
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("curl exit status; output: " + text).isZero();
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Like {@link #run}, and also fails on an HTTP error status ({@code --fail-with-body}). */
  public static String ok(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--fail-with-body"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }
}
