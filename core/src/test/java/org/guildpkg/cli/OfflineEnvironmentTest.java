package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GUILD_OFFLINE=1} in the environment of a real {@code guild} process means no network
 * call at all, as {@code --offline} does: a local HTTP mirror counts every request it gets.
 */
class OfflineEnvironmentTest {
  @TempDir Path tmp;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private ProcessResult guild(boolean offlineEnv, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GuildCli.class.getName(),
        "--home", tmp.resolve("home").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("GUILD_OFFLINE");
    if (offlineEnv) {
      pb.environment().put("GUILD_OFFLINE", "1");
    }
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("guild finished").isTrue();
    return new ProcessResult(p.exitValue(), output);
  }

  record ProcessResult(int status, String output) {}

  @Test
  void guildOfflineInTheEnvironmentMakesNoNetworkCall() throws Exception {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror";
    assertThat(guild(false, "mirror", "add", "local", url, "--no-check").status()).isZero();

    ProcessResult search = guild(true, "search", "anything");
    ProcessResult install = guild(true, "install", "anything");

    assertThat(requests.get()).as("requests the mirror received").isZero();
    assertThat(install.status()).isEqualTo(1);
    assertThat(install.output()).contains("guild: ").containsIgnoringCase("offline");
    assertThat(search.output()).doesNotContain("Exception");

    // The same command without the variable does reach the mirror: the count above could fail.
    guild(false, "search", "anything");
    assertThat(requests.get()).isPositive();
  }
}
