package org.guildpkg.examples.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.tf.data.FeatureType.FLOAT32;

import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.testing.GuildAssertions;
import org.guildpkg.tf.testing.UsePackage;
import org.junit.jupiter.api.Test;

/** A user's model test: TensorFlow Serving's half_plus_two, as the half-plus-two package ships it. */
class HalfPlusTwoModelTest {
  @UsePackage("half-plus-two") static SavedModel model;

  @Test
  void servesXToYAsTensorFlowServingDoes() {
    GuildAssertions.assertThat(model)
        .hasSignatures("serving_default", "regress_x_to_y", "classify_x_to_y")
        .hasSignature("serving_default")
        .withMethod("tensorflow/serving/predict")
        .withInput("x", FLOAT32, -1, 1)
        .withOutput("y", FLOAT32, -1, 1);
  }

  @Test
  void predictsHalfOfXPlusTwo() {
    assertThat(model.predict(new float[][] {{1f}, {2f}, {5f}})).isEqualTo(new float[][] {{2.5f}, {3f}, {4.5f}});
  }
}
