package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.cli.CliRun.guild;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.data.IdxConverter;
import org.guildpkg.tf.data.TFRecordCompression;
import org.guildpkg.tf.data.TFRecordReader;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.InputSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

/**
 * The seed's workflow through the real command line on real Fashion-MNIST: init, train,
 * evaluate, package, install, fine-tune; and the errors a user meets first.
 */
class TrainCommandTest {
  @TempDir static Path shared;
  static Path dataset;

  @BeforeAll
  static void convertFashionMnistToADatasetFolder() throws Exception {
    dataset = shared.resolve("fashion-mnist");
    Files.createDirectories(dataset);
    Files.writeString(dataset.resolve("dataset.json"),
        "{\"classes\": " + RunFolder.JSON.writeValueAsString(InputSpec.fashionMnist().classes()) + "}");
    Path idx = FashionMnistFiles.DIR;
    IdxConverter.convert(idx.resolve("train-images-idx3-ubyte.gz"), idx.resolve("train-labels-idx1-ubyte.gz"),
        dataset, "train", 2, TFRecordCompression.NONE);
    IdxConverter.convert(idx.resolve("t10k-images-idx3-ubyte.gz"), idx.resolve("t10k-labels-idx1-ubyte.gz"),
        dataset, "test", 1, TFRecordCompression.NONE);
  }

  @Test
  void initTrainEvaluatePackageInstallAndFineTuneThroughTheCli(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    assertThat(guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString()).status()).isZero();

    CliRun train = guild(home, "train", "-C", p.toString(), "--dataset", dataset.toString(), "--steps", "300");
    assertThat(train.status()).as(train.err()).isZero();
    assertThat(train.out()).startsWith("run 1: 300 steps, train loss ");
    assertThat(train.err()).contains("step 300/300");

    // TensorBoard scalars, read back with the project's TFRecord reader.
    Path events;
    try (var s = Files.list(p.resolve("runs/1"))) {
      events = s.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
    }
    List<Event> read = new ArrayList<>();
    for (byte[] r : TFRecordReader.readAll(events)) {
      read.add(Event.parseFrom(r));
    }
    assertThat(read.get(0).getFileVersion()).isEqualTo("brain.Event:2");
    List<Event> losses = read.stream().filter(e -> e.hasSummary() && e.getSummary().getValue(0).getTag().equals("loss")).toList();
    assertThat(losses).hasSize(300);
    assertThat(losses.get(299).getStep()).isEqualTo(300);
    assertThat(read).anyMatch(e -> e.hasSummary() && e.getSummary().getValue(0).getTag().equals("accuracy"));

    CliRun eval = guild(home, "evaluate", "-C", p.toString(), "--json");
    assertThat(eval.status()).as(eval.err()).isZero();
    JsonNode metrics = RunFolder.JSON.readTree(eval.out());
    assertThat(metrics.get("accuracy").isNumber()).isTrue();
    assertThat(metrics.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.75);
    assertThat(metrics.get("examples").asLong()).isEqualTo(10_000);
    assertThat(RunFolder.JSON.readTree(p.resolve("runs/1/metrics.json").toFile()).get("accuracy").asDouble())
        .isEqualTo(metrics.get("accuracy").asDouble());

    CliRun pack = guild(home, "package", p.toString(), "--run", "1", "--output", tmp.resolve("out").toString());
    assertThat(pack.status()).as(pack.err()).isZero();
    Path archive = Path.of(pack.out().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(archive.getFileName().toString()).isEqualTo("fashion-mnist-softmax+fashion-mnist-0.1.pkg.tar.zst");
    Manifest m = ArchiveReader.readManifest(archive);
    assertThat(m.interfaceData().at("/lineage/source/name").asText()).isEqualTo("fashion-mnist-softmax-src");
    assertThat(m.interfaceData().at("/lineage/dataset/name").asText()).isEqualTo("fashion-mnist");
    assertThat(m.interfaceData().at("/lineage/flags/learning_rate").asText()).isEqualTo("0.5");
    assertThat(m.interfaceData().at("/metrics/accuracy").asDouble()).isEqualTo(metrics.get("accuracy").asDouble());
    assertThat(m.interfaceData().at("/classes/0").asText()).isEqualTo("T-shirt/top");
    assertThat(m.interfaceData().path("signatures").has("train")).isTrue();

    CliRun install = guild(home, "install", archive.toString());
    assertThat(install.status()).as(install.err()).isZero();
    Path q = tmp.resolve("q");
    CliRun tune = guild(home, "train", "-C", q.toString(), "--model", "fashion-mnist-softmax+fashion-mnist",
        "--dataset", dataset.toString(), "--steps", "30", "--json", "-q");
    assertThat(tune.status()).as(tune.err()).isZero();
    JsonNode tuneResult = RunFolder.JSON.readTree(tune.out());
    assertThat(tuneResult.get("run").asText()).isEqualTo("1");
    assertThat(tuneResult.get("model").asText()).isEqualTo(q.resolve("runs/1/model").toAbsolutePath().toString());
    assertThat(tuneResult.at("/metrics/steps").asLong()).isEqualTo(30);
    assertThat(tune.err()).as("-q: no progress").doesNotContain("step 30/30");
    RunFolder tuned = RunFolder.open(q.resolve("runs"), "1");
    assertThat(tuned.completed()).isTrue();
    assertThat(tuned.flags()).containsEntry("batch_size", "100");
    assertThat(tuned.info().at("/source/name").asText()).isEqualTo("fashion-mnist-softmax-src");

    CliRun evalPkg = guild(home, "evaluate", "--model", "fashion-mnist-softmax+fashion-mnist",
        "--dataset", dataset.toString());
    assertThat(evalPkg.status()).as(evalPkg.err()).isZero();
    assertThat(evalPkg.out()).containsPattern("accuracy 0\\.[789]\\d+ +loss").contains("Ankle boot");
  }

  @Test
  void aTrainingProcessKilledMidwayResumesFromItsLastCheckpoint(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "org.guildpkg.cli.GuildCli", "--home", home.toString(), "train", "-C", p.toString(),
        "--dataset", dataset.toString(), "--steps", "3000", "--flag", "batch_size=20", "--checkpoint-every", "100")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    Path checkpoint = p.resolve("runs/1/checkpoints/step-00000100");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(checkpoint) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20); // poll the checkpoint's appearance (bounded), without spinning a core
    }
    child.destroyForcibly().waitFor();
    assertThat(checkpoint).as(Files.readString(tmp.resolve("child.log"))).isDirectory();
    RunFolder run = RunFolder.open(p.resolve("runs"), "1");
    assertThat(run.completed()).isFalse();

    CliRun resumed = guild(home, "train", "-C", p.toString(), "--resume", "1");
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).startsWith("run 1: 3000 steps");
    assertThat(run.completed()).isTrue();
    assertThat(run.info().path("resumed_from").asLong()).isGreaterThanOrEqualTo(100).isLessThan(3000);
  }

  @Test
  void trainDrawsAProgressBarOnATerminalAndPlainLinesOnAPipe(@TempDir Path tmp) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "util-linux's script is not installed");
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd = "'" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' org.guildpkg.cli.GuildCli --home '" + home + "' train -C '" + p + "' --dataset '"
        + dataset + "' --steps 40";
    String tty = run(tmp.resolve("tty.log"), "script", "-q", "-e", "-c", cmd, "/dev/null");
    assertThat(tty).contains("\r[" + "=".repeat(24) + "] step 40/40").contains("examples/s");

    String pipe = run(tmp.resolve("pipe.log"), "bash", "-c", cmd);
    assertThat(pipe).contains("step 40/40").doesNotContain("[" + "=".repeat(24) + "]");
  }

  private static String run(Path log, String... argv) throws Exception {
    Process child = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    child.getOutputStream().close();
    assertThat(child.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).as("finished").isTrue();
    String text = Files.readString(log);
    assertThat(child.exitValue()).as(text).isZero();
    return text;
  }

  @Test
  void packageRunOfARunThatDidNotFinishSaysSo(@TempDir Path tmp) throws Exception {
    Files.createDirectories(tmp.resolve("runs/4"));
    CliRun o = guild(tmp.resolve("home"), "package", tmp.toString(), "--run", "4");
    assertThat(o.status()).isEqualTo(1);
    assertThat(o.err()).startsWith("guild: " + tmp.resolve("runs/4") + " has no GuildPkg");
  }

  @Test
  void aBadFlagAndACompileErrorAreOneClearLineWithStatusOne(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString());
    CliRun bad = guild(home, "train", "-C", p.toString(), "--dataset", dataset.toString(),
        "--flag", "learning_rate=fast");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("guild: flag learning_rate: 'fast' is not a valid float value" + System.lineSeparator());

    Path src = p.resolve("FashionMnistSoftmax.java");
    Files.writeString(src, Files.readString(src).replace("return net.dense(", "return net.dense(oops, "));
    CliRun broken = guild(home, "train", "-C", p.toString(), "--dataset", dataset.toString());
    assertThat(broken.status()).isEqualTo(1);
    assertThat(broken.err()).containsPattern("FashionMnistSoftmax\\.java:\\d+: cannot find symbol");
    assertThat(p.resolve("runs")).doesNotExist();
  }

  @Test
  void anUnknownRunAndAMissingDatasetAreOneLineEachAndMakeNoRun(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString());
    CliRun run = guild(home, "evaluate", "-C", p.toString(), "7");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo(
        "guild: no run '7' in " + p.resolve("runs") + "; runs: none" + System.lineSeparator());
    CliRun resume = guild(home, "train", "-C", p.toString(), "--resume", "7");
    assertThat(resume.status()).isEqualTo(1);
    assertThat(resume.err()).isEqualTo(run.err());

    CliRun data = guild(home, "--offline", "train", "-C", p.toString(), "--dataset", "no-such-dataset");
    assertThat(data.status()).isEqualTo(1);
    assertThat(data.err()).startsWith("guild: ").contains("no-such-dataset").hasLineCount(1);
    assertThat(p.resolve("runs")).doesNotExist();
  }
}
