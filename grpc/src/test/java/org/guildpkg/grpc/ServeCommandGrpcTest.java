package org.guildpkg.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.cli.GuildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild serve --grpc-port 0} as a user starts it: the real command in a process of its own
 * (this module's class path, so guild-grpc is found through ServiceLoader as the launcher finds
 * it), called with {@link ModelClient} on the port it prints, then stopped with SIGTERM.
 */
class ServeCommandGrpcTest {
  private static final Pattern GRPC_LINE = Pattern.compile("^gRPC on 127\\.0\\.0\\.1:(\\d+)$");

  @Test
  void guildServeWithGrpcPortAnswersPredictAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
    Path model = GrpcServingTest.tfServing().resolve("saved_model_half_plus_two_cpu/00000123");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GuildCli.class.getName(),
        "--home", tmp.resolve("home").toString(),
        "serve", model.toString(), "--name", "half_plus_two", "--port", "0", "--grpc-port", "0")
        .redirectError(tmp.resolve("stderr.txt").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      // The lines until "listening on", read on another thread so that the wait is bounded.
      CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
        Integer found = null;
        try {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = GRPC_LINE.matcher(line);
            if (m.matches()) {
              found = Integer.parseInt(m.group(1));
            }
            if (line.startsWith("listening on ")) {
              return found;
            }
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return null;
      });
      Integer grpcPort = port.get(120, TimeUnit.SECONDS);
      assertThat(grpcPort).as("the gRPC port guild serve printed").isNotNull().isPositive();
      try (ModelClient c = ModelClient.connect("127.0.0.1", grpcPort)) {
        float[] y = ModelClient.floats(c.predict("half_plus_two", "",
            Map.of("x", ModelClient.tensor(new float[] {1, 2, 5}, 3, 1))).get("y"));
        assertThat(y).containsExactly(2.5f, 3f, 4.5f);
      }
      p.destroy(); // SIGTERM, as a service manager stops it
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("guild serve stopped on SIGTERM").isTrue();
    } finally {
      p.destroyForcibly();
    }
  }
}
