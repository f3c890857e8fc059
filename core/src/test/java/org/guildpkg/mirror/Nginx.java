package org.guildpkg.mirror;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx with WebDAV PUT on a free loopback port, with its own config, prefix and pid file
 * in a temporary folder; the test suite's HTTP mirror.
 */
public final class Nginx implements AutoCloseable {
  /** Where Debian installs nginx; tests that need it are skipped when it is absent. */
  public static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final Process process;
  private final int port;
  private final Path root;

  private Nginx(Process process, int port, Path root) {
    this.process = process;
    this.port = port;
    this.root = root;
  }

  /** True when nginx is installed. */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** Starts nginx serving {@code prefix/www} and waits (bounded) until it accepts connections. */
  public static Nginx start(Path prefix) throws IOException, InterruptedException {
    return start(prefix, "");
  }

  /**
   * Starts nginx as {@link #start(Path)} does, with {@code locations} (nginx directives, such as
   * {@code location /private/ { auth_basic ...; }}) added to its server block; {@code PREFIX} in
   * them stands for the absolute prefix folder.
   */
  public static Nginx start(Path prefix, String locations) throws IOException, InterruptedException {
    Path www = Files.createDirectories(prefix.resolve("www"));
    Files.createDirectories(prefix.resolve("logs"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String p = prefix.toAbsolutePath().toString();
    String conf = """
        %s
        worker_processes 1;
        pid %s/nginx.pid;
        error_log %s/logs/error.log warn;
        events { worker_connections 64; }
        http {
          access_log %s/logs/access.log;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          client_max_body_size 0;
          server {
            listen 127.0.0.1:%d;
            root %s;
            location / {
              dav_methods PUT;
              create_full_put_path on;
              dav_access user:rw group:r all:r;
            }
            %s
          }
        }
        """.formatted("root".equals(System.getProperty("user.name")) ? "user root;" : "",
            p, p, p, p, p, p, p, p, port, www.toAbsolutePath(), locations.replace("PREFIX", p));
    Path confFile = prefix.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    Process proc = new ProcessBuilder(BINARY.toString(), "-c", confFile.toAbsolutePath().toString(),
            "-p", p, "-g", "daemon off;")
        .redirectErrorStream(true)
        .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (IOException e) {
        if (!proc.isAlive() || System.nanoTime() > deadline) {
          proc.destroyForcibly();
          throw new IOException("nginx did not start: " + Files.readString(prefix.resolve("logs/stdout.log"))
              + (Files.exists(prefix.resolve("logs/error.log")) ? Files.readString(prefix.resolve("logs/error.log")) : ""));
        }
        Thread.sleep(20); // poll interval of a bounded wait for the port
      }
    }
    return new Nginx(proc, port, www);
  }

  /** The URL of the served folder's root, ending with {@code /}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** The served folder. */
  public Path root() {
    return root;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
