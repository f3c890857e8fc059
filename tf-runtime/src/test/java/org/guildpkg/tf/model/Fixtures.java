package org.guildpkg.tf.model;

import java.nio.file.Path;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/** The real SavedModels that TensorFlow Serving's tests use, vendored in testdata/tf-serving/. */
final class Fixtures {
  private Fixtures() {}

  static Path repoRoot() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize();
  }

  static Path tfServing() {
    return repoRoot().resolve("testdata/tf-serving").normalize();
  }

  static Path halfPlusTwo() {
    return tfServing().resolve("saved_model_half_plus_two_cpu/00000123");
  }

  static Path halfPlusTwoTf2() {
    return tfServing().resolve("saved_model_half_plus_two_tf2_cpu/00000123");
  }

  static Path halfPlusThree() {
    return tfServing().resolve("saved_model_half_plus_three/00000123");
  }

  static Path counter() {
    return tfServing().resolve("saved_model_counter/00000123");
  }

  /** A serialized tf.Example with one float feature, as TensorFlow Serving's regress API builds. */
  static byte[] example(String feature, float value) {
    return Example.newBuilder()
        .setFeatures(Features.newBuilder().putFeature(
            feature, Feature.newBuilder().setFloatList(FloatList.newBuilder().addValue(value)).build()))
        .build()
        .toByteArray();
  }
}
