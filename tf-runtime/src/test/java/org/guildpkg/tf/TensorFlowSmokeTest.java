package org.guildpkg.tf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;

/** Proves that TensorFlow's natives load here and run a SavedModel that TensorFlow exported. */
class TensorFlowSmokeTest {
  static Path fixtures() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).resolve("testdata/tf-serving").normalize();
  }

  @Test
  void halfPlusTwoFromTensorFlowServingPredictsHalfXPlusTwo() {
    Path dir = fixtures().resolve("saved_model_half_plus_two_cpu/00000123");
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
        TFloat32 x = TFloat32.tensorOf(StdArrays.ndCopyOf(new float[][] {{1f}, {2f}, {5f}}));
        org.tensorflow.Result result = bundle.function("serving_default").call(Map.of("x", x))) {
      try (Tensor y = result.get("y").orElseThrow()) {
        float[][] out = StdArrays.array2dCopyOf((TFloat32) y);
        assertThat(out).isDeepEqualTo(new float[][] {{2.5f}, {3.0f}, {4.5f}});
      }
    }
  }
}
