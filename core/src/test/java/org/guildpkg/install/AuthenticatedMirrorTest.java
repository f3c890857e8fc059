package org.guildpkg.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.guildpkg.cli.CliRun;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.mirror.Nginx;
import org.guildpkg.mirror.TestPackages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors behind authentication, against a real nginx: basic auth ({@code /basic/}), a bearer
 * token ({@code /token/}), and a redirect to another host ({@code /moved/}). Credentials come from
 * the config file (mode 0600 enforced), the environment, or {@code .netrc}; a wrong or missing one
 * is a one-line error naming the mirror and what to set, with nothing installed or published; no
 * secret is ever printed or sent to the other host.
 */
class AuthenticatedMirrorTest {
  private static final String PASSWORD = "pw-s3cret-9";
  private static final String TOKEN = "tok-s3cret-7";

  @TempDir Path tmp;
  Nginx nginx;
  HttpServer elsewhere;
  final List<String> elsewhereAuth = new CopyOnWriteArrayList<>();
  final List<String> printed = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at /usr/sbin/nginx (.ci/run installs it)");
    elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    elsewhere.createContext("/", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      elsewhereAuth.add(auth == null ? "none" : auth);
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    elsewhere.start();
    Path prefix = tmp.resolve("nginx");
    Files.createDirectories(prefix);
    Files.writeString(prefix.resolve("htpasswd"), "guild:{PLAIN}" + PASSWORD + "\n");
    String dav = "dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r;";
    nginx = Nginx.start(prefix, """
        location /basic/ { auth_basic "guild"; auth_basic_user_file PREFIX/htpasswd; %s }
        location /token/ { if ($http_authorization != "Bearer %s") { return 401; } %s }
        location /moved/ { return 302 http://127.0.0.1:%d/elsewhere$request_uri; }
        """.formatted(dav, TOKEN, dav, elsewhere.getAddress().getPort()));
  }

  @AfterEach
  void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    if (elsewhere != null) {
      elsewhere.stop(0);
    }
    assertThat(String.join("\n", printed)).doesNotContain(PASSWORD).doesNotContain(TOKEN);
  }

  private CliRun guild(String... args) {
    CliRun r = CliRun.guild(tmp.resolve("home"), args);
    printed.add(r.out());
    printed.add(r.err());
    return r;
  }

  private String url(String route) {
    return nginx.url().resolve(route).toString();
  }

  private void addMirror(String name, String url, String... keys) throws Exception {
    // --no-check: the credentials are written into the config only after the add.
    CliRun r = guild("mirror", "add", name, url, "--no-check", "--key", tmp.resolve("keys/mirror.pub").toString());
    assertThat(r.status()).as(r.err()).isZero();
    Path config = tmp.resolve("home/config");
    Files.writeString(config, Files.readString(config) + String.join("\n", keys) + "\n");
  }

  private static String lastLine(String s) {
    List<String> lines = s.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  @Test
  void basicAuthPublishSearchInstallUpgradeAndRefusals() throws Exception {
    assertThat(guild("key", "generate", tmp.resolve("keys").toString()).status()).isZero();
    String key = tmp.resolve("keys/mirror.key").toString();
    Path data = TestPackages.simple(tmp.resolve("w"), "data", "1.0", "", "the data", tmp.resolve("o1"));
    Path model = TestPackages.simple(tmp.resolve("w"), "model", "1.0", "data >= 1.0", "model 1", tmp.resolve("o2"));
    Path model11 = TestPackages.simple(tmp.resolve("w"), "model", "1.1", "data >= 1.0", "model 1.1", tmp.resolve("o3"));
    Path served = nginx.root().resolve("basic");

    // Publishing by URL with no credentials anywhere: refused at the first request, nothing written.
    CliRun r = guild("publish", data.toString(), "--mirror", url("basic/"), "--key", key);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n").contains("requires credentials").contains("HTTP 401");
    assertThat(served).doesNotExist();

    addMirror("web", url("basic/"), "user = guild", "password = " + PASSWORD);
    Path config = tmp.resolve("home/config");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    r = guild("publish", data.toString(), model.toString(), "--mirror", "web", "--key", key);
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(served.resolve("index.json")).exists();

    r = guild("search", "--json");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"model\"").contains("\"data\"");
    r = guild("install", "model");
    assertThat(r.status()).as(r.err()).isZero();
    Path home = tmp.resolve("home");
    assertThat(home.resolve("packages/data/1.0/README.txt")).hasContent("the data");
    assertThat(guild("publish", model11.toString(), "--mirror", "web", "--key", key).status()).isZero();
    r = guild("upgrade");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(home.resolve("packages/model/1.1/README.txt")).hasContent("model 1.1");
    assertThat(guild("verify").status()).isZero();

    // A config holding a password that others may read is refused, with the command to run.
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    r = guild("search");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("guild: " + config + " holds mirror credentials but others may read it"
        + " (mode rw-r--r--); run: chmod 600 " + config);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

    // A wrong password: one line naming the mirror and where the credentials came from; nothing installed.
    Files.writeString(config, Files.readString(config).replace(PASSWORD, "wrong-one"));
    Path data2 = TestPackages.simple(tmp.resolve("w"), "data2", "1", "", "d2", tmp.resolve("o4"));
    r = guild("publish", data2.toString(), "--mirror", "web", "--key", key);
    assertThat(r.status()).isEqualTo(1);
    assertThat(lastLine(r.err())).contains("mirror 'web' refused the credentials from " + config + " [mirror.web] user and password");
    assertThat(served.resolve("packages/data2")).doesNotExist();
    assertThat(guild("uninstall", "model").status()).isZero();
    r = guild("install", "model@1.0");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().strip()).doesNotContain("\n").contains("mirror 'web' refused the credentials").doesNotContain("wrong-one");
    assertThat(home.resolve("packages/model/1.0")).doesNotExist();

    // No credentials for a second mirror of the same server: the error says what to set.
    Files.writeString(config, Files.readString(config).replace("wrong-one", PASSWORD));
    addMirror("anon", url("basic/"));
    r = guild("search");
    assertThat(r.status()).isEqualTo(1);
    assertThat(lastLine(r.err())).contains("mirror 'anon' requires credentials").contains("GUILD_MIRROR_ANON_TOKEN")
        .contains("GUILD_MIRROR_ANON_USER").contains("~/.netrc");
  }

  @Test
  void bearerTokenRouteAndNoCredentialsAcrossARedirect() throws Exception {
    assertThat(guild("key", "generate", tmp.resolve("keys").toString()).status()).isZero();
    String key = tmp.resolve("keys/mirror.key").toString();
    Path data = TestPackages.simple(tmp.resolve("w"), "data", "1.0", "", "the data", tmp.resolve("o1"));
    addMirror("tok", url("token/"), "token = " + TOKEN);
    CliRun r = guild("publish", data.toString(), "--mirror", "tok", "--key", key);
    assertThat(r.status()).as(r.err()).isZero();
    r = guild("install", "data");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(tmp.resolve("home/packages/data/1.0/README.txt")).hasContent("the data");

    Path config = tmp.resolve("home/config");
    Files.writeString(config, Files.readString(config).replace(TOKEN, "not-the-token"));
    r = guild("search");
    assertThat(r.status()).isEqualTo(1);
    assertThat(lastLine(r.err())).contains("mirror 'tok' refused the credentials from " + config + " [mirror.tok] token");
    Files.writeString(config, Files.readString(config).replace("not-the-token", TOKEN));

    // The mirror redirects to another host: the request arrives there without the credentials.
    addMirror("moved", url("moved/"), "token = " + TOKEN);
    r = guild("search");
    assertThat(elsewhereAuth).isNotEmpty().containsOnly("none");
  }

  @Test
  void credentialsFromTheEnvironmentAndNetrc() throws Exception {
    assertThat(guild("key", "generate", tmp.resolve("keys").toString()).status()).isZero();
    String key = tmp.resolve("keys/mirror.key").toString();
    Path data = TestPackages.simple(tmp.resolve("w"), "data", "1.0", "", "the data", tmp.resolve("o1"));
    Path tool = TestPackages.simple(tmp.resolve("w"), "tool", "1.0", "", "the tool", tmp.resolve("o2"));
    addMirror("envtok", url("token/"));
    addMirror("netweb", url("basic/"));
    Path netrc = Files.writeString(tmp.resolve("netrc"), "machine 127.0.0.1\n  login guild\n  password " + PASSWORD + "\n");
    // One child JVM, as a user runs guild: the token from the environment, basic auth from NETRC.
    Map<String, String> env = Map.of("GUILD_MIRROR_ENVTOK_TOKEN", TOKEN, "NETRC", netrc.toString());
    assertThat(child(env, "publish", data.toString(), "--mirror", "envtok", "--key", key)).isZero();
    assertThat(child(env, "publish", tool.toString(), "--mirror", "netweb", "--key", key)).isZero();
    assertThat(child(env, "install", "data", "tool")).isZero();
    assertThat(tmp.resolve("home/packages/tool/1.0/README.txt")).hasContent("the tool");
    assertThat(tmp.resolve("home/packages/data/1.0/README.txt")).hasContent("the data");
  }

  private int child(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), GuildCli.class.getName(), "--home", tmp.resolve("home").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(tmp.resolve("child.log"));
    printed.add(log);
    assertThat(p.exitValue()).as(log).isZero();
    return p.exitValue();
  }
}
