package org.guildpkg.tf.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.guildpkg.GuildException;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.Evaluation;
import org.guildpkg.tf.train.Evaluator;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.TrainableModelTest;
import org.guildpkg.tf.train.Trainer;
import org.guildpkg.tf.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs of the softmax example on real Fashion-MNIST: run folders, metrics, resume, errors. */
class TrainingJobTest {
  static final PackageRef DATASET = new PackageRef("fashion-mnist", "1");

  static Path project(Path tmp, String pkg) {
    Projects.Template t = Projects.template(
        TrainableModelTest.examples().resolve(pkg).toString(), tmp.resolve("home"), true);
    return Projects.init(t, tmp.resolve("project"));
  }

  static TrainingJob.Request request(Path project, Map<String, String> flags, long steps, long every) {
    return new TrainingJob.Request(
        Projects.runs(project), Optional.of(project), Optional.empty(), Projects.source(project),
        Map.of(), DATASET, "fashion-mnist@1", FashionMnistFiles.split("train"), flags, OptionalLong.of(steps),
        OptionalLong.empty(), every);
  }

  @Test
  void softmaxRunWritesItsFolderAndReachesSeventyFivePercentOnTheTestSplit(@TempDir Path tmp) throws Exception {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    RunFolder run = TrainingJob.start(request(project, Map.of("batch_size", "100"), 400, 150), List.of());

    assertThat(run.id()).isEqualTo("1");
    assertThat(run.completed()).isTrue();
    assertThat(run.info().path("status").asText()).isEqualTo("completed");
    assertThat(run.info().path("source").path("name").asText()).isEqualTo("fashion-mnist-softmax-src");
    assertThat(run.flags()).containsEntry("learning_rate", "0.5").containsEntry("batch_size", "100");
    assertThat(run.metrics().path("steps").asLong()).isEqualTo(400);
    assertThat(Trainer.latestCheckpoint(run.checkpoints()).orElseThrow().step()).isEqualTo(300);

    Evaluation e;
    try (TrainableModel m = TrainableModel.load(run.model())) {
      e = Evaluator.evaluate(m, FashionMnistFiles.split("t10k"), 1000, n -> {});
    }
    assertThat(e.examples()).isEqualTo(10_000);
    assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.75);
    assertThat(e.perClassAccuracy()).hasSize(10).containsKey("Ankle boot");
    long total = 0;
    long diagonal = 0;
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        total += e.confusion()[i][j];
      }
      diagonal += e.confusion()[i][i];
    }
    assertThat(total).isEqualTo(10_000);
    assertThat((double) diagonal / total).isEqualTo(e.accuracy());
    assertThat(e.toJson().path("accuracy").isNumber()).isTrue();

    // The run is a package folder for the model package SOURCE+DATASET.
    assertThat(Files.readString(run.path().resolve("GuildPkg")))
        .contains("name = fashion-mnist-softmax+fashion-mnist", "version = 0.1", "type = model", "packager = packager");
    var training = RunFolder.JSON.readTree(run.path().resolve("training.json").toFile());
    assertThat(training.at("/lineage/source/name").asText()).isEqualTo("fashion-mnist-softmax-src");
    assertThat(training.at("/lineage/dataset/name").asText()).isEqualTo("fashion-mnist");
    assertThat(training.at("/lineage/flags/learning_rate").asText()).isEqualTo("0.5");
    assertThat(training.at("/classes/9").asText()).isEqualTo("Ankle boot");
  }

  @Test
  void aRunStoppedMidwayResumesFromItsLastCheckpointToTheSameModel(@TempDir Path tmp) {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    RunFolder whole = TrainingJob.start(request(project, Map.of(), 250, 100), List.of());

    TrainingListener killer = new TrainingListener() {
      @Override
      public void onStep(StepEvent e) {
        if (e.step() == 230) {
          throw new IllegalStateException("killed");
        }
      }
    };
    assertThatThrownBy(() -> TrainingJob.start(request(project, Map.of(), 250, 100), List.of(killer)))
        .hasMessage("killed");
    String id = "2";
    RunFolder stopped = RunFolder.open(Projects.runs(project), id);
    assertThat(stopped.completed()).isFalse();
    assertThat(stopped.info().path("steps").asLong()).isEqualTo(200);

    RunFolder resumed = TrainingJob.resume(Projects.runs(project), id, FashionMnistFiles.split("train"), List.of());
    assertThat(resumed.completed()).isTrue();
    assertThat(resumed.info().path("resumed_from").asLong()).isEqualTo(200);
    assertThat(resumed.metrics().path("steps").asLong()).isEqualTo(250);
    try (TrainableModel a = TrainableModel.load(whole.model());
        TrainableModel b = TrainableModel.load(resumed.model())) {
      assertThat(TrainableModelTest.predict(b, FashionMnistFiles.read("t10k")))
          .isEqualTo(TrainableModelTest.predict(a, FashionMnistFiles.read("t10k")));
    }
    assertThatThrownBy(() -> TrainingJob.resume(Projects.runs(project), id, FashionMnistFiles.split("train"), List.of()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("has finished already");
  }

  @Test
  void aConvnetResumedFromACheckpointContinuesWithTheLossesOfARunThatNeverStopped(@TempDir Path tmp) {
    // The convnet has dropout: a resumed run must draw the masks an uninterrupted one draws.
    Path project = project(tmp, "fashion-mnist-convnet-src");
    Map<String, String> flags = Map.of("batch_size", "16");
    Map<Long, Float> whole = new java.util.TreeMap<>();
    TrainingJob.start(request(project, flags, 12, 5), List.of(losses(whole)));

    Map<Long, Float> again = new java.util.TreeMap<>();
    TrainingListener killer = new TrainingListener() {
      @Override
      public void onStep(StepEvent e) {
        if (e.step() == 7) {
          throw new IllegalStateException("killed");
        }
      }
    };
    assertThatThrownBy(() -> TrainingJob.start(request(project, flags, 12, 5), List.of(killer)))
        .hasMessage("killed");
    RunFolder resumed = TrainingJob.resume(
        Projects.runs(project), "2", FashionMnistFiles.split("train"), List.of(losses(again)));
    assertThat(resumed.info().path("resumed_from").asLong()).isEqualTo(5);
    assertThat(again.keySet()).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L);
    again.forEach((step, loss) -> assertThat(loss).as("loss at step %d", step).isEqualTo(whole.get(step)));
  }

  private static TrainingListener losses(Map<Long, Float> into) {
    return new TrainingListener() {
      @Override
      public void onStep(StepEvent e) {
        into.put(e.step(), e.loss());
      }
    };
  }

  @Test
  void aTrainedModelIsFineTunedWithoutItsSourceAndKeepsItsLineageFlags(@TempDir Path tmp) {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    RunFolder base = TrainingJob.start(request(project, Map.of("batch_size", "50"), 100, 100), List.of());
    Path other = tmp.resolve("elsewhere");
    RunFolder tuned = TrainingJob.start(
        new TrainingJob.Request(
            Projects.runs(other), Optional.empty(), Optional.of(base.model()),
            new PackageRef("fashion-mnist-softmax-src", "0"), base.flags(), DATASET, "fashion-mnist@1",
            FashionMnistFiles.split("train"), Map.of("seed", "5"), OptionalLong.of(150),
            OptionalLong.empty(), 100),
        List.of());
    assertThat(tuned.completed()).isTrue();
    assertThat(tuned.flags()).containsEntry("batch_size", "50").containsEntry("seed", "5")
        .doesNotContainKey("learning_rate");
    assertThat(tuned.info().path("base_model").asText()).isEqualTo(base.model().toString());
    assertThat(tuned.metrics().path("steps").asLong()).isEqualTo(150);
    assertThatThrownBy(() -> TrainingJob.start(
        new TrainingJob.Request(
            Projects.runs(other), Optional.empty(), Optional.of(base.model()),
            new PackageRef("x", "0"), base.flags(), DATASET, "fashion-mnist@1", FashionMnistFiles.split("train"),
            Map.of("learning_rate", "0.1"), OptionalLong.of(1), OptionalLong.empty(), 100),
        List.of()))
        .hasMessage("unknown flag 'learning_rate'; this model's flags are: batch_size, epochs, seed");
  }

  @Test
  void anUnknownFlagOrABadValueIsAClearErrorAndMakesNoRun(@TempDir Path tmp) {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    assertThatThrownBy(() -> TrainingJob.start(request(project, Map.of("learning_rat", "0.1"), 10, 10), List.of()))
        .isInstanceOf(GuildException.class)
        .hasMessage("unknown flag 'learning_rat'; this model's flags are: batch_size, epochs, learning_rate, seed");
    assertThatThrownBy(() -> TrainingJob.start(request(project, Map.of("batch_size", "ten"), 10, 10), List.of()))
        .isInstanceOf(GuildException.class)
        .hasMessage("flag batch_size: 'ten' is not a valid int value");
    assertThat(RunFolder.ids(Projects.runs(project))).isEmpty();
  }

  @Test
  void aJavaCompileErrorNamesTheFileAndLineAndMakesNoRun(@TempDir Path tmp) throws Exception {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    Path src = project.resolve("FashionMnistSoftmax.java");
    List<String> lines = Files.readAllLines(src);
    int line = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("net.dense(")) {
        lines.set(i, lines.get(i).replace("net.dense(", "net.densse("));
        line = i + 1;
      }
    }
    Files.write(src, lines);
    int expected = line;
    assertThatThrownBy(() -> TrainingJob.start(request(project, Map.of(), 10, 10), List.of()))
        .isInstanceOfSatisfying(CompileException.class, e -> {
          assertThat(e.getMessage()).startsWith("compile error: FashionMnistSoftmax.java:" + expected + ": cannot find symbol");
          assertThat(e.errors()).hasSize(1);
        });
    assertThat(RunFolder.ids(Projects.runs(project))).isEmpty();
  }

  @Test
  void modelCodeThatBuildsTheWrongGraphIsAClearErrorAndMakesNoRun(@TempDir Path tmp) throws Exception {
    Path project = project(tmp, "fashion-mnist-softmax-src");
    Path src = project.resolve("FashionMnistSoftmax.java");
    Files.writeString(src, Files.readString(src).replace("net.numClasses()", "3"));
    assertThatThrownBy(() -> TrainingJob.start(request(project, Map.of(), 10, 10), List.of()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("FashionMnistSoftmax.logits returned shape [-1, 3]; it must be [-1, 10]");
    assertThat(RunFolder.ids(Projects.runs(project))).isEmpty();
  }
}
