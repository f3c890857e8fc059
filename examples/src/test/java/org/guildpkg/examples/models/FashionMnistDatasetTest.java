package org.guildpkg.examples.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.tf.data.FeatureType.INT64;
import static org.guildpkg.tf.data.FeatureType.UINT8;

import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.testing.GuildAssertions;
import org.guildpkg.tf.testing.UsePackage;
import org.junit.jupiter.api.Test;

/** A user's dataset test: the fashion-mnist package's splits, features, classes and balance. */
class FashionMnistDatasetTest {
  @UsePackage("fashion-mnist") static Dataset data;

  @Test
  void hasTheUpstreamSplitsAndFeatures() {
    GuildAssertions.assertThat(data)
        .hasFeature("image", UINT8, 28, 28)
        .hasFeature("label", INT64)
        .hasClasses("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    GuildAssertions.assertThat(data).hasSplit("train").withExamples(60_000);
    GuildAssertions.assertThat(data).hasSplit("test").withExamples(10_000);
  }

  @Test
  void everyClassHasAsManyExamples() {
    GuildAssertions.assertThat(data).hasSplit("train").withExamplesPerClass(6_000);
    var histogram = GuildAssertions.assertThat(data).hasSplit("test").withExamplesPerClass(1_000).classHistogram();
    assertThat(histogram).containsEntry("Ankle boot", 1_000L).hasSize(10);
  }
}
