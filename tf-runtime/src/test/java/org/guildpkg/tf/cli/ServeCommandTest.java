package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.cli.GuildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code guild serve}: prints the URLs, serves until interrupted, exits 0. */
class ServeCommandTest {
  @TempDir Path tmp;

  static final Pattern LISTENING = Pattern.compile("listening on (http://[^\\s;]+)");

  /** Runs {@code guild ARGS} in a thread until it prints where it listens. */
  record Running(Thread thread, StringWriter out, StringWriter err, AtomicInteger status, URI base) {
    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as("guild serve stopped").isFalse();
      return status.get();
    }
  }

  static Running serve(String... args) {
    CommandLine cl = GuildCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    AtomicInteger status = new AtomicInteger(-1);
    Thread t = new Thread(() -> status.set(cl.execute(args)), "guild-serve-test");
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Matcher m = LISTENING.matcher("");
    boolean found = false;
    while (!found && System.nanoTime() < deadline && t.isAlive()) {
      m = LISTENING.matcher(out.toString());
      found = m.find();
      Thread.onSpinWait();
    }
    assertThat(found).as("stdout: " + out + " stderr: " + err).isTrue();
    return new Running(t, out, err, status, URI.create(m.group(1)));
  }

  static String post(URI url, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void serveFolderPrintsItsUrlAndAnswersUntilInterrupted() throws Exception {
    Path model = ModelCommandsTest.halfPlusTwo();
    Running r = serve("--home", tmp.resolve("home").toString(), "serve", model.toString(), "--port", "0");
    assertThat(r.out().toString()).contains("serving saved_model_half_plus_two_cpu version 123 at http://127.0.0.1:");
    assertThat(post(URI.create(r.base() + "/v1/models/saved_model_half_plus_two_cpu:predict"),
        "{\"instances\": [1.0, 2.0, 5.0]}")).isEqualTo("200 {\"predictions\":[2.5,3.0,4.5]}");
    assertThat(r.stop()).isZero();
  }

  @Test
  void serveInstalledPackageByNameWithBatching() throws Exception {
    Path home = tmp.resolve("home");
    Path folder = Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("examples/packages/half-plus-two");
    GuildPackages.at(home).install(PackageBuilder.forDirectory(folder).output(tmp).home(home).build().toString());
    Running r = serve("--home", home.toString(), "serve", "half-plus-two", "--port", "0", "--batching");
    assertThat(r.out().toString())
        .contains("serving half-plus-two version 1 (package version 1.0) at http://127.0.0.1:")
        .contains("(batching on)");
    assertThat(post(URI.create(r.base() + "/v1/models/half-plus-two/labels/1.0:regress"),
        "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 80.0}]}"))
        .isEqualTo("200 {\"results\":[42.0]}");
    assertThat(r.stop()).isZero();
  }

  @Test
  void serveUnknownPackageFailsWithOneLine() {
    CliRun r = CliRun.run("--home", tmp.resolve("home").toString(), "serve", "no-such-model", "--port", "0");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("guild: ").contains("no-such-model");
    assertThat(r.err().strip().lines()).hasSize(1);
  }
}
