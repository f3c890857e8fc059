package org.guildpkg.tf.testing;

import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.model.SavedModel;

/**
 * AssertJ entry points for model tests: assertions on models and datasets whose failure messages
 * say what was expected and what was found.
 *
 * <pre>{@code
 * import static org.guildpkg.tf.testing.GuildAssertions.assertThat;
 *
 * assertThat(model).hasSignature("serving_default").withInput("image", UINT8, -1, 28, 28);
 * assertThat(model).evaluatedOn(data.split("test")).hasAccuracyAtLeast(0.85);
 * assertThat(model).predicts(image).as("Ankle boot");
 * assertThat(data).hasSplit("train").withExamples(60_000);
 * }</pre>
 *
 * <p>Needs {@code org.assertj:assertj-core} on the test class path (an optional dependency of
 * guild-tf-runtime). Combine with AssertJ's own {@code Assertions.assertThat} by importing both.
 */
public final class GuildAssertions {
  private GuildAssertions() {}

  /** Assertions on a loaded model. */
  public static SavedModelAssert assertThat(SavedModel model) {
    return new SavedModelAssert(model);
  }

  /** Assertions on a dataset. */
  public static DatasetAssert assertThat(Dataset dataset) {
    return new DatasetAssert(dataset);
  }
}
