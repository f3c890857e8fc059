package org.guildpkg.tf.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assertions on a real classifier (nearest centroids, exported by TensorFlow), the real
 * Fashion-MNIST test split and TensorFlow Serving's half_plus_two: that they pass when they
 * should, and that their failure messages say what was expected and what was found.
 */
class GuildAssertionsTest {
  @TempDir static Path dir;
  static Dataset data;
  static SplitArrays test;
  static SavedModel model;
  static SavedModel unnamed;

  @BeforeAll
  static void convertTheTestSplitAndExportTheClassifier() throws Exception {
    data = Fixtures.testSplit(dir.resolve("fashion-mnist"), 1);
    test = data.split("test").toArrays();
    model = SavedModel.open(Fixtures.centroidModel(dir.resolve("model"), test, true));
    unnamed = SavedModel.open(Fixtures.centroidModel(dir.resolve("unnamed"), test, false));
  }

  @AfterAll
  static void close() {
    model.close();
    unnamed.close();
  }

  static Path halfPlusTwo() {
    return Path.of(System.getProperty("guild.repoRoot", ".."))
        .resolve("testdata/tf-serving/saved_model_half_plus_two_cpu/00000123").normalize();
  }

  @Test
  void hasSignatureWithInputPassesForTheModelsRealSignature() {
    GuildAssertions.assertThat(model).hasSignature("serving_default")
        .withInput("image", FeatureType.UINT8, -1, 28, 28)
        .withOutput("classes", FeatureType.INT64, -1)
        .withOutput("probabilities", "float32", -1, 10)
        .withInputsNamed("image");
  }

  @Test
  void aMissingSignatureNamesTheSignaturesThereAre() {
    try (SavedModel hpt = SavedModel.open(halfPlusTwo())) {
      assertThatThrownBy(() -> GuildAssertions.assertThat(hpt).hasSignature("predict_images"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("to have signature:\n  \"predict_images\"")
          .hasMessageContaining("but its signatures are:\n  [classify_x_to_y, regress_x2_to_y3, regress_x_to_y,"
              + " regress_x_to_y2, serving_default]");
    }
  }

  @Test
  void aWrongInputShowsTheExpectedAndTheActualDtypeAndShape() {
    try (SavedModel hpt = SavedModel.open(halfPlusTwo())) {
      assertThatThrownBy(() -> GuildAssertions.assertThat(hpt).hasSignature("serving_default")
              .withInput("x", FeatureType.UINT8, -1, 28, 28))
          .hasMessageContaining("Expecting input \"x\" of signature \"serving_default\"")
          .hasMessageContaining("to be:\n  uint8 [-1, 28, 28]\nbut it is:\n  float32 [-1, 1]");
      assertThatThrownBy(() -> GuildAssertions.assertThat(hpt).hasSignature("serving_default")
              .withInput("image", FeatureType.UINT8, -1, 28, 28))
          .hasMessageContaining("but it has no input \"image\"; its inputs are:\n  x (float32 [-1, 1])");
      GuildAssertions.assertThat(hpt).hasSignature("serving_default")
          .withInput("x", FeatureType.FLOAT32, -1, 1).withOutput("y", FeatureType.FLOAT32, -1, 1)
          .withMethod("tensorflow/serving/predict");
    }
  }

  @Test
  void predictsAsPassesForTheRightClassAndShowsBothClassesWhenWrong() {
    byte[][] images = test.uint8("image");
    long[] labels = test.int64Scalars("label");
    int right = -1;
    int wrong = -1;
    for (int i = 0; i < 200 && (right < 0 || wrong < 0); i++) {
      int predicted = org.guildpkg.tf.classify.Classifier.of(model).classify(images[i]).index();
      if (predicted == labels[i] && right < 0) {
        right = i;
      } else if (predicted != labels[i] && wrong < 0) {
        wrong = i;
      }
    }
    GuildAssertions.assertThat(model).predicts(images[right]).as(Fixtures.CLASSES.get((int) labels[right]));
    String truth = Fixtures.CLASSES.get((int) labels[wrong]);
    int w = wrong;
    assertThatThrownBy(() -> GuildAssertions.assertThat(model).predicts(images[w]).as(truth))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("to predict:\n  \"" + truth + "\" (class " + labels[wrong] + ", probability ")
        .hasMessageContaining("but it predicted:\n  \"");
  }

  @Test
  void predictsNeedsClassNamesAndSaysHowToGiveThem() {
    byte[] image = test.uint8("image")[0];
    assertThatThrownBy(() -> GuildAssertions.assertThat(unnamed).predicts(image).as("Ankle boot"))
        .hasMessageContaining("names no classes; name them with usingClasses(...)");
    assertThatThrownBy(() -> GuildAssertions.assertThat(model).predicts(image).as("Sock"))
        .hasMessageContaining("has no such class; its classes are:\n  [T-shirt/top, Trouser,");
    // The first test image is an ankle boot; nearest centroids take it for a sandal.
    GuildAssertions.assertThat(unnamed).usingClasses(Fixtures.CLASSES).predicts(image).as("Sandal");
  }

  @Test
  void evaluatedOnMeasuresTheRealAccuracyAndShowsItWhenTooLow() {
    EvaluationAssert e = GuildAssertions.assertThat(model).evaluatedOn(data.split("test"));
    // Nearest centroids reach about 0.68 on Fashion-MNIST; far above chance (0.1), far below a convnet.
    assertThat(e.accuracy()).isBetween(0.55, 0.80);
    e.hasAccuracyAtLeast(0.5).hasClassAccuracyAtLeast("Trouser", 0.8);
    long total = 0;
    for (long[] row : e.confusionMatrix()) {
      for (long v : row) {
        total += v;
      }
    }
    assertThat(total).isEqualTo(10_000);
    assertThatThrownBy(() -> e.hasAccuracyAtLeast(0.85))
        .hasMessageContaining("evaluated on split \"test\"")
        .hasMessageContaining("(10000 examples)")
        .hasMessageContaining("to have an accuracy of at least:\n  0.8500\nbut it was:\n  0.")
        .hasMessageContaining("worst classes: Shirt");
  }

  @Test
  void datasetAssertionsCheckSplitsFeaturesClassesAndTheHistogram() {
    GuildAssertions.assertThat(data)
        .hasFeature("image", FeatureType.UINT8, 28, 28)
        .hasFeature("label", FeatureType.INT64)
        .hasClasses(Fixtures.CLASSES.toArray(String[]::new))
        .hasSplit("test").withExamples(10_000).withExamplesPerClass(1000);
    assertThatThrownBy(() -> GuildAssertions.assertThat(data).hasSplit("train"))
        .hasMessageContaining("to have split:\n  \"train\"\nbut its splits are:\n  [test]");
    assertThatThrownBy(() -> GuildAssertions.assertThat(data).hasSplit("test").withExamples(60_000))
        .hasMessageContaining("to have:\n  60000 examples\nbut it has:\n  10000 examples");
    assertThatThrownBy(() -> GuildAssertions.assertThat(data).hasSplit("test").withExamplesPerClass(6000))
        .hasMessageContaining("to have 6000 examples of every class")
        .hasMessageContaining("T-shirt/top=1000");
    assertThatThrownBy(() -> GuildAssertions.assertThat(data).hasFeature("image", FeatureType.FLOAT32, 784))
        .hasMessageContaining("to be:\n  float32 [784]\nbut it is:\n  uint8 [28, 28]");
  }
}
