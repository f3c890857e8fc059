package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.guildpkg.cli.CliRun.guild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.guildpkg.cli.CliRun;
import org.guildpkg.io.PathLock;
import org.guildpkg.tf.project.PackageRef;
import org.guildpkg.tf.project.Projects;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.project.TrainingJob;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild runs [list|info|rm]} and {@code guild compare} on real runs of the softmax example:
 * completed, terminated and failed runs, a run another thread is training, and bad run IDs.
 */
class RunsCommandTest {

  private static TrainingJob.Request request(Path project, Map<String, String> flags, long steps) {
    return new TrainingJob.Request(
        Projects.runs(project), Optional.of(project), Optional.empty(), Projects.source(project), Map.of(),
        new PackageRef("fashion-mnist", "1"), "fashion-mnist@1", FashionMnistFiles.split("train"), flags,
        OptionalLong.of(steps), OptionalLong.empty(), 100);
  }

  @Test
  void listInfoCompareAndRemoveRunsOfEveryStatus(@TempDir Path tmp) throws Exception {
    Path home = tmp.resolve("home");
    Path p = tmp.resolve("p");
    assertThat(guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), p.toString()).status()).isZero();
    String dir = p.toString();
    TrainingJob.start(request(p, Map.of(), 20), List.of());
    TrainingJob.start(request(p, Map.of("learning_rate", "0.1"), 20), List.of());
    long[] done = {0};
    TrainingListener count = new TrainingListener() {
      @Override
      public void onStep(StepEvent e) {
        done[0] = e.step();
      }
    };
    TrainingJob.start(request(p, Map.of(), 20), List.of(count), () -> done[0] >= 7);
    TrainingListener crash = new TrainingListener() {
      @Override
      public void onStep(StepEvent e) {
        throw new IllegalStateException("disk on fire");
      }
    };
    assertThatThrownBy(() -> TrainingJob.start(request(p, Map.of(), 20), List.of(crash)));

    CliRun list = guild(home, "runs", "-C", dir, "--json");
    assertThat(list.status()).as(list.err()).isZero();
    JsonNode runs = RunFolder.JSON.readTree(list.out());
    assertThat(runs).hasSize(4);
    assertThat(runs.findValuesAsText("status")).containsExactly("completed", "completed", "terminated", "failed");
    assertThat(runs.get(2).path("steps").asLong()).isEqualTo(7);
    assertThat(runs.get(2).path("checkpoints").toString()).isEqualTo("[0,7]");
    assertThat(runs.get(3).path("error").asText()).isEqualTo("disk on fire");
    assertThat(runs.get(1).path("flags").path("learning_rate").asText()).isEqualTo("0.1");
    assertThat(runs.get(0).path("metrics").path("train_loss").isNumber()).isTrue();
    assertThat(runs.get(0).path("source").path("name").asText()).isEqualTo("fashion-mnist-softmax-src");

    CliRun table = guild(home, "runs", "list", "-C", dir);
    assertThat(table.status()).as(table.err()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("ID +STATUS +STARTED +MODEL +DATASET +STEPS +METRICS");
    assertThat(lines.get(3)).matches("3 +terminated +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +fashion-mnist-softmax-src"
        + " +fashion-mnist@1 +7/20 +train_loss \\d+\\.\\d{4}");

    CliRun info = guild(home, "runs", "info", "3", "-C", dir);
    assertThat(info.status()).as(info.err()).isZero();
    assertThat(info.out()).contains("run:", "3 (terminated)", "checkpoints:", "steps 0, 7", "learning_rate=0.5",
        "7/20", "none (the run has not completed)", p.resolve("runs/3").toString());

    // A process that died without a word (run.json still says running, nobody holds the lock).
    RunFolder r4 = RunFolder.open(Projects.runs(p), "4");
    ObjectNode i4 = r4.info();
    i4.put("status", "running");
    r4.writeInfo(i4);
    assertThat(RunFolder.JSON.readTree(guild(home, "runs", "info", "4", "-C", dir, "--json").out()).path("status").asText())
        .isEqualTo("failed");

    CliRun csv = guild(home, "compare", "1", "2", "-C", dir, "--csv");
    assertThat(csv.status()).as(csv.err()).isZero();
    List<String> rows = csv.out().lines().toList();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0)).startsWith("run,status,steps,flag:").contains("flag:learning_rate", "metric:train_loss");
    int lr = List.of(rows.get(0).split(",")).indexOf("flag:learning_rate");
    assertThat(rows.get(1).split(",")[lr]).isEqualTo("0.5");
    assertThat(rows.get(2).split(",")[lr]).isEqualTo("0.1");

    CliRun json = guild(home, "compare", "-C", dir, "--json");
    JsonNode cmp = RunFolder.JSON.readTree(json.out());
    assertThat(cmp).hasSize(4);
    assertThat(cmp.get(1).path("flags").path("learning_rate").asText()).isEqualTo("0.1");
    assertThat(cmp.get(2).path("steps").asLong()).isEqualTo(7);
    assertThat(cmp.get(2).path("metrics").has("train_loss")).isTrue();

    CliRun side = guild(home, "compare", "1", "2", "-C", dir);
    assertThat(side.out().lines()).anyMatch(l -> l.matches("\\* +learning_rate +0\\.5 +0\\.1"))
        .anyMatch(l -> l.matches(" +batch_size +100 +100"));

    // Bad input: one line naming what is wrong, nothing changed.
    CliRun unknown = guild(home, "runs", "info", "9", "-C", dir);
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err().strip()).isEqualTo("guild: no run '9' in " + p.resolve("runs") + "; runs: 1, 2, 3, 4");
    CliRun typo = guild(home, "runs", "rm", "1", "x", "-C", dir);
    assertThat(typo.status()).isEqualTo(1);
    assertThat(typo.err().lines()).hasSize(1);
    assertThat(RunFolder.ids(Projects.runs(p))).containsExactly("1", "2", "3", "4");

    // A run being trained (another thread holds its lock, as a training process would) is refused.
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread trainer = new Thread(() -> {
      try (PathLock.Hold h = RunFolder.open(Projects.runs(p), "2").lock()) {
        held.countDown();
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    trainer.start();
    try {
      assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(RunFolder.JSON.readTree(guild(home, "runs", "info", "2", "-C", dir, "--json").out()).path("status").asText())
          .isEqualTo("completed"); // the status file says so; the lock alone does not change it
      CliRun busy = guild(home, "runs", "rm", "1", "2", "-C", dir);
      assertThat(busy.status()).isEqualTo(1);
      assertThat(busy.err().strip()).isEqualTo(
          "guild: run 2 is running (a process holds its lock); stop it first. Nothing removed");
      assertThat(RunFolder.ids(Projects.runs(p))).containsExactly("1", "2", "3", "4");
    } finally {
      release.countDown();
      trainer.join(30_000);
    }

    CliRun rm = guild(home, "runs", "rm", "1", "3", "-C", dir);
    assertThat(rm.status()).as(rm.err()).isZero();
    assertThat(rm.out()).isEqualTo("removed run 1\nremoved run 3\n");
    assertThat(RunFolder.ids(Projects.runs(p))).containsExactly("2", "4");
    try (var s = Files.list(Projects.runs(p))) {
      assertThat(s.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder("2", "4");
    }
  }
}
