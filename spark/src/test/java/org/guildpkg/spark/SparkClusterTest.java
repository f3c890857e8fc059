package org.guildpkg.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.train.Evaluation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * guild-spark on a real standalone cluster started by the test (a master and two workers in
 * their own JVMs on loopback, executors in their own processes). The executors share one Guild
 * home that holds only a mirror's address: each installs the model and dataset packages from the
 * test's signed {@code file://} mirror itself, concurrently, and the store stays whole.
 */
class SparkClusterTest {
  static PackagesFixture fx;
  static StandaloneCluster cluster;
  static Path executorHome;
  static SparkSession spark;

  /** One cluster and one application (two executors) for the class: starting them is the slow part. */
  @BeforeAll
  static void start() throws Exception {
    fx = PackagesFixture.get();
    executorHome = fx.root.resolve("executor-home");
    PackagesFixture.configureMirror(executorHome, fx.mirror, fx.keys);
    cluster = StandaloneCluster.start(fx.root.resolve("cluster"), 2, Map.of("GUILD_HOME", executorHome.toString()));
    spark = session();
  }

  @AfterAll
  static void stop() {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** The driver settings a program on this machine needs for the test cluster. */
  static Map<String, String> driverConf() {
    return Map.of(
        "spark.driver.host", "127.0.0.1",
        "spark.driver.bindAddress", "127.0.0.1",
        "spark.ui.enabled", "false",
        "spark.executor.extraClassPath", StandaloneCluster.classPath(),
        "spark.executor.cores", "1",
        "spark.executor.memory", "1g",
        "spark.cores.max", "2");
  }

  static SparkSession session() {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder b = SparkSession.builder().master(cluster.masterUrl()).appName("guild-spark-cluster-test");
    driverConf().forEach(b::config);
    SparkSession s = b.getOrCreate();
    StandaloneCluster.awaitTrue(Duration.ofSeconds(180),
        () -> s.sparkContext().statusTracker().getExecutorInfos().length >= 3, // the driver and two executors
        "two executors; see " + cluster.dir());
    return s;
  }

  @Test
  void executorsInstallThePackagesFromTheMirrorAndEvaluateAsOneMachine() {
    {
      long me = ProcessHandle.current().pid();
      List<Long> pids = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(IntStream.range(0, 4).boxed().toList(), 4)
          .map(i -> ProcessHandle.current().pid()).distinct().collect();
      assertThat(pids).hasSize(2).doesNotContain(me);

      // The driver reads the manifest from its own home; executors use their GUILD_HOME.
      GuildHome driver = GuildPackages.at(fx.driverHome);
      Evaluation e = DistributedEvaluation.evaluate(
          DatasetFrames.read(spark, driver, PackageLocation.of(PackagesFixture.DATASET), "test", 4),
          PackageLocation.of(PackagesFixture.MODEL), 1000);
      assertThat(e.examples()).isEqualTo(10_000);
      assertThat(e.accuracy()).isEqualTo(fx.oneMachine.accuracy());
      assertThat(e.confusion()).isDeepEqualTo(fx.oneMachine.confusion());
      assertThat(e.loss()).isCloseTo(fx.oneMachine.loss(), within(1e-5));
    }
    // Both executor processes installed into the one store; each package is there once, whole.
    GuildHome executors = GuildPackages.at(executorHome).offline(true);
    assertThat(executors.list()).extracting(GuildPackage::toString)
        .containsExactlyInAnyOrder("fashion-mnist@1.0", "fashion-mnist-spark-softmax@1");
    assertThat(executors.verify().ok()).as(executors.verify().toString()).isTrue();
  }

  /** The CLI runs in the program's running session (this test's, on the cluster). */
  @Test
  void guildSparkEvaluatePrintsTheAccuracyOfGuildEvaluateToTheLastDigit() {
    List<String> args = new java.util.ArrayList<>(List.of("spark", "evaluate", PackagesFixture.MODEL, PackagesFixture.DATASET,
        "--split", "test", "--master", cluster.masterUrl()));
    driverConf().forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
    CliRun onSpark = CliRun.guild(fx.driverHome, args.toArray(String[]::new));
    assertThat(onSpark.status()).as(onSpark.err()).isZero();
    assertThat(spark.sparkContext().isStopped()).as("the CLI leaves a session it did not start running").isFalse();
    CliRun one = CliRun.guild(fx.driverHome, "evaluate", "--model", PackagesFixture.MODEL,
        "--dataset", PackagesFixture.DATASET, "--split", "test");
    assertThat(one.status()).as(one.err()).isZero();
    List<String> a = onSpark.out().lines().toList();
    List<String> b = one.out().lines().toList();
    // "accuracy 0.8123  loss 0.5432  on 10000 examples (fashion-mnist@1.0 test)", then per class
    // and the confusion matrix:
    // every line the same but the mean loss, which batching may move in its last printed digit.
    String loss = "  loss \\S+  ";
    assertThat(a.get(0)).startsWith("accuracy ");
    assertThat(a.get(0).replaceAll(loss, "")).isEqualTo(b.get(0).replaceAll(loss, ""));
    assertThat(Double.parseDouble(a.get(0).split("\\s+")[3])).isCloseTo(Double.parseDouble(b.get(0).split("\\s+")[3]), within(1.5e-4));
    assertThat(a.subList(1, a.size())).isEqualTo(b.subList(1, b.size()));
  }
}
