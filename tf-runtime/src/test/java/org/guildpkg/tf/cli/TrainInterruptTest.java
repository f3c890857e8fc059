package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.cli.CliRun.guild;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.data.TFRecordReader;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

/**
 * Ctrl-C (SIGINT) and SIGTERM sent to a real {@code guild train} process training the convnet
 * (dropout included): the run gets a checkpoint at the step it reached and the status
 * {@code terminated}, the process says how to resume and exits 130 or 143, and the resumed run
 * has the losses of a run that never stopped.
 */
class TrainInterruptTest {
  private static final int STEPS = 40;
  private static final List<String> TRAIN = List.of(
      "--steps", Integer.toString(STEPS), "--checkpoint-every", "1000", "--flag", "batch_size=50");

  @TempDir static Path shared;
  static Path dataset;
  static Path home;

  @BeforeAll
  static void fashionMnistAsADatasetFolder() throws Exception {
    dataset = FashionMnistFiles.datasetFolder(shared.resolve("fashion-mnist"), false);
    home = shared.resolve("home");
  }

  @Test
  void ctrlCWritesACheckpointMarksTheRunTerminatedAndTheResumeMatchesAnUninterruptedRun(@TempDir Path tmp)
      throws Exception {
    Path project = project(tmp);
    List<String> args = new ArrayList<>(List.of("train", "-C", project.toString(), "--dataset", dataset.toString()));
    args.addAll(TRAIN);
    CliRun whole = guild(home, args.toArray(String[]::new));
    assertThat(whole.status()).as(whole.err()).isZero();

    Interrupted stopped = interrupt(project, "INT");
    assertThat(stopped.status()).as(stopped.log()).isEqualTo(130);
    String resume = stopped.resumeCommand();
    assertThat(resume).isEqualTo("guild --home " + home + " train -C " + project + " --resume 2");

    CliRun resumed = CliRun.run(resume.substring("guild ".length()).split(" "));
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).startsWith("run 2: " + STEPS + " steps");
    RunFolder run = RunFolder.open(project.resolve("runs"), "2");
    assertThat(run.info().path("status").asText()).isEqualTo("completed");
    assertThat(run.info().path("resumed_from").asLong()).isEqualTo(stopped.step());

    Map<Long, Float> expected = losses(project.resolve("runs/1"));
    Map<Long, Float> actual = losses(run.path());
    assertThat(actual.keySet()).as("every step logged once").containsExactlyElementsOf(expected.keySet());
    for (long step = stopped.step() + 1; step <= STEPS; step++) {
      assertThat(actual.get(step)).as("loss at step %d after the resume", step).isEqualTo(expected.get(step));
    }
    // The run's train loss (mean of its last steps) counts the steps before the resume too.
    assertThat(run.metrics().path("train_loss").asDouble())
        .isEqualTo(RunFolder.open(project.resolve("runs"), "1").metrics().path("train_loss").asDouble());
  }

  @Test
  void sigtermStopsTheRunTheSameWayWithStatus143(@TempDir Path tmp) throws Exception {
    Path project = project(tmp);
    Interrupted stopped = interrupt(project, "TERM");
    assertThat(stopped.status()).as(stopped.log()).isEqualTo(143);
    assertThat(stopped.resumeCommand()).endsWith(" --resume 1");
  }

  private static Path project(Path tmp) {
    Path p = tmp.resolve("convnet");
    CliRun init = guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-convnet-src"), p.toString());
    assertThat(init.status()).as(init.err()).isZero();
    return p;
  }

  /** What an interrupted {@code guild train} left: its exit status, log, and the run's step. */
  record Interrupted(int status, String log, long step) {
    String resumeCommand() {
      Matcher m = Pattern.compile("(?m)^run \\d+ terminated at step " + step + ", checkpoint saved;"
          + " resume with: (.*)$").matcher(log);
      assertThat(m.find()).as("the resume line in:\n%s", log).isTrue();
      return m.group(1);
    }
  }

  /**
   * Starts {@code guild train} in a child JVM, sends SIG{@code signal} once it has done some steps,
   * and checks the run it leaves: terminated, with a checkpoint at the step it reached.
   */
  private static Interrupted interrupt(Path project, String signal) throws Exception {
    Path log = project.resolveSibling("guild-" + signal + ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), "org.guildpkg.cli.GuildCli",
        "--home", home.toString(), "train", "-C", project.toString(), "--dataset", dataset.toString()));
    cmd.addAll(TRAIN);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process guild = pb.start();
    try {
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      Pattern progress = Pattern.compile("(?m)^step (\\d+)/" + STEPS);
      while (true) {
        Matcher m = progress.matcher(Files.readString(log));
        long done = 0;
        while (m.find()) {
          done = Long.parseLong(m.group(1));
        }
        if (done >= 4) {
          break;
        }
        assertThat(guild.isAlive()).as("guild trains:\n%s", Files.readString(log)).isTrue();
        assertThat(Instant.now()).as("guild did 4 steps:\n%s", Files.readString(log)).isBefore(deadline);
        Thread.sleep(20);
      }
      assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(guild.pid())).start().waitFor()).isZero();
      assertThat(guild.waitFor(120, TimeUnit.SECONDS)).as("guild stops").isTrue();
      String out = Files.readString(log);
      RunFolder run = RunFolder.latest(project.resolve("runs")).orElseThrow();
      JsonNode info = run.info();
      assertThat(info.path("status").asText()).as(out).isEqualTo("terminated");
      long step = info.path("steps").asLong();
      assertThat(step).as("stopped mid-run").isBetween(4L, (long) STEPS - 1);
      assertThat(Trainer.latestCheckpoint(run.checkpoints()).orElseThrow().step()).isEqualTo(step);
      assertThat(run.completed()).isFalse();
      assertThat(run.training()).as("the lock is gone with the process").isFalse();
      return new Interrupted(guild.exitValue(), out, step);
    } finally {
      guild.destroyForcibly();
    }
  }

  /** The loss scalars of a run's TensorBoard event files, by step. */
  static Map<Long, Float> losses(Path runDir) throws IOException {
    Map<Long, Float> out = new TreeMap<>();
    try (var files = Files.list(runDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
        for (byte[] r : TFRecordReader.readAll(f)) {
          Event e = Event.parseFrom(r);
          if (e.hasSummary() && e.getSummary().getValue(0).getTag().equals("loss")) {
            assertThat(out.put(e.getStep(), e.getSummary().getValue(0).getSimpleValue()))
                .as("loss at step %d logged twice", e.getStep()).isNull();
          }
        }
      }
    }
    return out;
  }
}
