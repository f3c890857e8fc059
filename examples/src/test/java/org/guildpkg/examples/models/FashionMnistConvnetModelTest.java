package org.guildpkg.examples.models;

import static org.guildpkg.tf.data.FeatureType.INT64;
import static org.guildpkg.tf.data.FeatureType.UINT8;

import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.data.SplitArrays;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.testing.GuildAssertions;
import org.guildpkg.tf.testing.UsePackage;
import org.junit.jupiter.api.Test;

/**
 * A user's model test of the trained convnet package. It needs the package
 * {@code fashion-mnist-convnet+fashion-mnist}: .ci/run trains one briefly and puts its archive in
 * {@code examples/target/archives}; without it the tests are skipped with the reason.
 */
class FashionMnistConvnetModelTest {
  @UsePackage("fashion-mnist") static Dataset data;
  @UsePackage("fashion-mnist-convnet+fashion-mnist") static SavedModel model;

  /** CI trains only a few hundred steps; a full training reaches about 0.9. */
  static final double MIN_ACCURACY = Double.parseDouble(System.getProperty("guild.test.minAccuracy", "0.70"));

  @Test
  void followsTheModelInterface() {
    GuildAssertions.assertThat(model).hasSignatures("serving_default", "train", "evaluate")
        .hasSignature("serving_default")
        .withInput("image", UINT8, -1, 28, 28)
        .withOutput("classes", INT64, -1)
        .withOutput("probabilities", "float32", -1, 10);
  }

  @Test
  void isAccurateOnTheTestSplit() {
    GuildAssertions.assertThat(model).evaluatedOn(data.split("test")).hasAccuracyAtLeast(MIN_ACCURACY)
        .hasClassAccuracyAtLeast("Trouser", MIN_ACCURACY);
  }

  @Test
  void recognisesATrouser() {
    SplitArrays test = data.split("test").toArrays();
    long[] labels = test.int64Scalars("label");
    int first = 0;
    while (labels[first] != 1) {
      first++;
    }
    GuildAssertions.assertThat(model).predicts(test.uint8("image")[first]).as("Trouser");
  }
}
