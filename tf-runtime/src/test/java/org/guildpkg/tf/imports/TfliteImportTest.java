package org.guildpkg.tf.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.guildpkg.tf.model.ModelResult;
import org.guildpkg.tf.model.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfliteImportTest {
  @TempDir Path tmp;

  @Test
  void mobilenetV2CallsGraceHopperAMilitaryUniform() throws Exception {
    Path tflite = ImagenetFiles.require(ImagenetFiles.MOBILENET_V2, ImagenetFiles.MOBILENET_V2_SHA);
    Path labels = ImagenetFiles.require(ImagenetFiles.LABELS, ImagenetFiles.LABELS_SHA);
    Path photo = ImagenetFiles.require(ImagenetFiles.GRACE_HOPPER, ImagenetFiles.GRACE_HOPPER_SHA);
    long t0 = System.nanoTime();
    Path out = tmp.resolve("mobilenet");
    ImageInterface image = ModelImports.tflite(tflite, ModelImports.labels(labels), Optional.empty(), out);
    System.err.println("import ms " + (System.nanoTime() - t0) / 1e6 + " " + image);
    try (SavedModel m = SavedModel.open(out);
        ModelResult r = m.callArrays("serving_default", java.util.Map.of("image_bytes", new byte[][] {Files.readAllBytes(photo)}))) {
      float[][] p = r.floatMatrix("probabilities");
      long[] c = r.longs("classes");

      assertThat(c[0]).isEqualTo(653);
    }
  }
}
