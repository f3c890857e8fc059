package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.cli.CliRun.guild;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.project.RunFolder;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.TensorBoardEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild train --validation} and {@code --split} slices on real Fashion-MNIST: held-out
 * examples evaluated while training, in metrics.json and TensorBoard; bad specs refused in one line.
 */
class ValidationSplitTest {
  @TempDir static Path shared;
  static Path dataset;
  static Path home;
  static Path project;

  @BeforeAll
  static void softmaxProjectAndFashionMnistFolder() throws Exception {
    dataset = FashionMnistFiles.datasetFolder(shared.resolve("fashion-mnist"), true);
    home = shared.resolve("home");
    project = shared.resolve("p");
    CliRun init = guild(home, "init", "--template", InitCommandTest.template("fashion-mnist-softmax-src"), project.toString());
    assertThat(init.status()).as(init.err()).isZero();
  }

  private static CliRun train(String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "-C", project.toString(), "--dataset", dataset.toString(),
        "--steps", "60", "--checkpoint-every", "1000"));
    args.addAll(List.of(extra));
    return guild(home, args.toArray(String[]::new));
  }

  @Test
  void aHeldOutFractionIsEvaluatedEveryNStepsIntoMetricsAndTensorBoard() throws Exception {
    CliRun a = train("--validation", "0.1", "--validate-every", "20");
    assertThat(a.status()).as(a.err()).isZero();
    assertThat(a.err()).contains("(54000 examples, 6000 held out for validation)", "validation at step 20: loss ");
    assertThat(a.out()).containsPattern("validation loss \\d\\.\\d{4} accuracy 0\\.\\d{4}; model in");
    RunFolder run = RunFolder.latest(project.resolve("runs")).orElseThrow();
    JsonNode m = run.metrics();
    assertThat(m.path("val_examples").asLong()).isEqualTo(6000);
    assertThat(m.path("val_step").asLong()).isEqualTo(60);
    assertThat(m.path("val_accuracy").asDouble()).isBetween(0.5, 1.0);
    assertThat(run.info().at("/data/validation").asText()).isEqualTo("0.1");

    Map<Long, Float> loss = scalars(run.path().resolve("validation"), "loss");
    assertThat(loss.keySet()).containsExactly(20L, 40L, 60L);
    assertThat(loss.get(60L)).isEqualTo((float) m.path("val_loss").asDouble());
    assertThat(scalars(run.path().resolve("validation"), "accuracy")).containsKeys(20L, 40L, 60L);
    assertThat(scalars(run.path(), "loss")).hasSize(60); // the training curve, beside it

    // The same seed holds out the same examples (and trains the same way): the same figures.
    CliRun b = train("--validation", "0.1", "--validate-every", "20");
    assertThat(b.status()).as(b.err()).isZero();
    assertThat(RunFolder.latest(project.resolve("runs")).orElseThrow().metrics().path("val_loss").asDouble())
        .isEqualTo(m.path("val_loss").asDouble());
  }

  @Test
  void tensorFlowDatasetsSlicesChooseTheTrainingAndValidationExamples() throws Exception {
    CliRun a = train("--split", "train[:90%]", "--validation", "train[90%:]");
    assertThat(a.status()).as(a.err()).isZero();
    assertThat(a.err()).contains("(54000 examples, 6000 held out for validation)");
    RunFolder run = RunFolder.latest(project.resolve("runs")).orElseThrow();
    assertThat(run.metrics().path("val_examples").asLong()).isEqualTo(6000);
    assertThat(run.metrics().path("val_step").asLong()).isEqualTo(60);

    CliRun test = train("--split", "train[1000:2000]", "--validation", "test");
    assertThat(test.status()).as(test.err()).isZero();
    assertThat(test.err()).contains("(1000 examples, 10000 held out for validation)");
  }

  @Test
  void badSplitsAndFractionsAreOneClearLineAndMakeNoRun() throws Exception {
    List<String> before = RunFolder.ids(project.resolve("runs"));
    Map<String[], String> cases = Map.of(
        new String[] {"--validation", "1.5"},
        "guild: --validation 1.5: a fraction must be between 0 and 1, e.g. 0.1; or name a split, e.g. test or train[90%:]",
        new String[] {"--split", "train[:x%]"},
        "guild: --split train[:x%]: 'x%' is not a whole number or percentage (e.g. train, train[:90%], train[90%:], train[1000:2000])",
        new String[] {"--validation", "train[50%:]"},
        "guild: --validation train[50%:] overlaps the training examples train; hold out a separate part,"
            + " e.g. --split train[:90%] --validation train[90%:]",
        new String[] {"--split", "train[:120%]"},
        "guild: --split train[:120%]: '120%' is more than 100%");
    for (var c : cases.entrySet()) {
      CliRun r = train(c.getKey());
      assertThat(r.status()).as(r.err()).isEqualTo(1);
      assertThat(r.err().lines().filter(l -> l.startsWith("guild: ")).toList()).containsExactly(c.getValue());
    }
    CliRun missing = train("--validation", "validation");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("has no split 'validation'");
    assertThat(RunFolder.ids(project.resolve("runs"))).isEqualTo(before);
  }

  private static Map<Long, Float> scalars(Path dir, String tag) {
    return TensorBoardEvents.scalars(dir, tag);
  }
}
