package org.guildpkg.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Test helper: a real Spark standalone cluster on loopback: a master and workers, each in its
 * own JVM started from this module's test class path; the workers start executors in their own
 * processes. Every port is chosen by the system (port 0); {@link #close} stops all of them.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");

  private final List<Process> processes = new ArrayList<>();
  private final Path dir;
  private String masterUrl;

  private StandaloneCluster(Path dir) {
    this.dir = dir;
  }

  /** The class path of this test JVM (surefire's full one, not its manifest jar), for child JVMs. */
  static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Starts a master and {@code workers} workers of one core each, and waits (bounded) until every
   * worker has registered.
   *
   * @param workerEnv extra environment of the workers, which their executors inherit
   */
  static StandaloneCluster start(Path dir, int workers, Map<String, String> workerEnv) throws IOException {
    StandaloneCluster c = new StandaloneCluster(Files.createDirectories(dir));
    try {
      Path masterLog = dir.resolve("master.log");
      c.launch(masterLog, Map.of(), "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", "0", "--webui-port", "0");
      awaitTrue(Duration.ofSeconds(120), () -> MASTER_URL.matcher(read(masterLog)).find(), "the master to start; see " + masterLog);
      Matcher m = MASTER_URL.matcher(read(masterLog));
      m.find();
      c.masterUrl = m.group(1);
      // The executors' launcher wants a Spark home with a jars/ folder; the class path comes from
      // spark.executor.extraClassPath.
      Path sparkHome = Files.createDirectories(dir.resolve("spark-home/jars"));
      for (int i = 0; i < workers; i++) {
        Path log = dir.resolve("worker-" + i + ".log");
        Map<String, String> env = new java.util.HashMap<>(workerEnv);
        env.put("SPARK_HOME", sparkHome.getParent().toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        c.launch(log, env, "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "2g",
            "--work-dir", Files.createDirectories(dir.resolve("work-" + i)).toString(), c.masterUrl);
        awaitTrue(Duration.ofSeconds(120), () -> read(log).contains("Successfully registered with master"),
            "worker " + i + " to register; see " + log);
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void launch(Path log, Map<String, String> env, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().putAll(env);
    processes.add(pb.start());
  }

  /** The master's {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return masterUrl;
  }

  /** The folder holding the logs and work folders. */
  Path dir() {
    return dir;
  }

  static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Polls {@code condition} until it holds, failing after {@code limit}. */
  static void awaitTrue(Duration limit, BooleanSupplier condition, String what) {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** Stops the workers (and so their executors), then the master; kills what does not stop. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
