package org.guildpkg.s3;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for the tests: S3Proxy ({@code org.gaul:s3proxy}, its self-contained jar copied
 * by the build to the path in the system property {@code s3proxy.jar}) in a process of its own,
 * with the filesystem store in a temporary folder, on a free loopback port, checking AWS
 * signatures against one identity and secret.
 */
final class S3ProxyServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private S3ProxyServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The S3Proxy jar, or null when the build did not provide it. */
  static Path jar() {
    String p = System.getProperty("s3proxy.jar");
    return p == null || !Files.isRegularFile(Path.of(p)) ? null : Path.of(p);
  }

  /** Starts S3Proxy storing buckets in {@code dir/store} and waits (bounded) for its port. */
  static S3ProxyServer start(Path dir, String identity, String secret) throws IOException, InterruptedException {
    Path store = Files.createDirectories(dir.resolve("store"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + identity,
        "s3proxy.credential=" + secret,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + store.toAbsolutePath(),
        ""));
    Path log = dir.resolve("s3proxy.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-jar", jar().toString(), "--properties", props.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IOException("S3Proxy did not start: " + Files.readString(log));
        }
        Thread.sleep(50); // poll interval of a bounded wait for the port
      }
    }
    return new S3ProxyServer(p, port, log);
  }

  /** The endpoint URL, such as {@code http://127.0.0.1:PORT}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** What the server logged, for a failing assertion's message. */
  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
