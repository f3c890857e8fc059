package org.guildpkg.tf.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.guildpkg.tf.author.Flags;
import org.guildpkg.tf.author.ModelCode;
import org.guildpkg.tf.project.ModelDescriptor;
import org.guildpkg.tf.project.ProjectCompiler;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** The model interface on real Fashion-MNIST: build, train, export, reload. */
public class TrainableModelTest {
  public static Path examples() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).resolve("examples/packages");
  }

  private final List<ProjectCompiler.Compiled> loaders = new ArrayList<>();

  @AfterEach
  void closeClassLoaders() {
    loaders.forEach(ProjectCompiler.Compiled::close);
  }

  /** Compiles an example source package; its class loader is closed after the test. */
  ModelCode compiled(String pkg, Path classes) {
    Path dir = examples().resolve(pkg);
    ProjectCompiler.Compiled c = ProjectCompiler.compile(dir, ModelDescriptor.read(dir), classes);
    loaders.add(c);
    return c.code();
  }

  public static Flags defaults(String pkg) {
    return Flags.resolve(ModelDescriptor.read(examples().resolve(pkg)).flags(), Map.of());
  }

  @Test
  void softmaxTrainsToSeventyFivePercentAndReloadsWithTheSamePredictions(@TempDir Path tmp) {
    FashionMnistFiles train = FashionMnistFiles.read("train");
    FashionMnistFiles test = FashionMnistFiles.read("t10k");
    ModelCode code = compiled("fashion-mnist-softmax-src", tmp.resolve("classes"));
    long[] before;
    float accuracy;
    try (TrainableModel m = TrainableModel.build(code, defaults("fashion-mnist-softmax-src"), InputSpec.fashionMnist(), 1)) {
      assertThat(m.signatures()).containsKeys("serving_default", "train", "evaluate");
      for (int step = 0; step < 400; step++) {
        Map<String, Tensor> b = train.batch((step * 100) % train.size(), 100);
        try {
          assertThat(m.trainStep(b).loss()).isFinite();
        } finally {
          FashionMnistFiles.close(b);
        }
      }
      Map<String, Tensor> all = test.batch(0, test.size());
      try (Result r = m.run(TrainableModel.EVALUATE, all)) {
        accuracy = ((TFloat32) r.get("accuracy").orElseThrow()).getFloat();
      } finally {
        FashionMnistFiles.close(all);
      }
      before = predict(m, test);
      m.export(tmp.resolve("model"));
    }
    assertThat(accuracy).isGreaterThanOrEqualTo(0.75f);

    try (TrainableModel reloaded = TrainableModel.load(tmp.resolve("model"))) {
      assertThat(predict(reloaded, test)).isEqualTo(before);
    }
    try (SavedModelBundle b = SavedModelBundle.load(tmp.resolve("model").toString(), "serve")) {
      assertThat(b.signatures()).extracting(s -> s.key())
          .contains("serving_default", "train", "evaluate");
    }
  }

  @Test
  void convnetTrainsAFewStepsExportsAndKeepsTrainingAfterReload(@TempDir Path tmp) {
    FashionMnistFiles train = FashionMnistFiles.read("t10k");
    ModelCode code = compiled("fashion-mnist-convnet-src", tmp.resolve("classes"));
    Map<String, Tensor> b = train.batch(0, 16);
    try {
      float first;
      try (TrainableModel m = TrainableModel.build(code, defaults("fashion-mnist-convnet-src"), InputSpec.fashionMnist(), 7)) {
        try (Result r = m.run(TrainableModel.EVALUATE, b)) {
          // Glorot-uniform kernels centred on 0 start near chance: ln(10) = 2.30. (Kernels
          // drawn from [0, l) gave losses over 100 and a network that never learned.)
          assertThat(((TFloat32) r.get("loss").orElseThrow()).getFloat()).isBetween(1.8f, 2.8f);
        }
        first = m.trainStep(b).loss();
        for (int i = 0; i < 4; i++) {
          m.trainStep(b);
        }
        m.export(tmp.resolve("model"));
      }
      try (TrainableModel m = TrainableModel.load(tmp.resolve("model"))) {
        float again = m.trainStep(b).loss();
        // Five Adam steps on the same 16 images must have lowered their loss.
        assertThat(again).isLessThan(first);
        try (Result r = m.run(TrainableModel.SERVING, b)) {
          assertThat(((TFloat32) r.get("probabilities").orElseThrow()).shape().asArray())
              .containsExactly(16, 10);
        }
      }
    } finally {
      FashionMnistFiles.close(b);
    }
  }

  @Test
  void exportRefusesAnExistingFolderAndLeavesItAlone(@TempDir Path tmp) throws Exception {
    java.nio.file.Files.createDirectories(tmp.resolve("model"));
    java.nio.file.Files.writeString(tmp.resolve("model/keep.txt"), "x");
    ModelCode code = compiled("fashion-mnist-softmax-src", tmp.resolve("classes"));
    try (TrainableModel m = TrainableModel.build(code, defaults("fashion-mnist-softmax-src"), InputSpec.fashionMnist(), 1)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.export(tmp.resolve("model")))
          .isInstanceOf(org.guildpkg.GuildException.class)
          .hasMessageContaining("exists already");
    }
    assertThat(java.nio.file.Files.readString(tmp.resolve("model/keep.txt"))).isEqualTo("x");
  }

  public static long[] predict(TrainableModel m, FashionMnistFiles data) {
    Map<String, Tensor> b = data.batch(0, 500);
    try (Result r = m.run(TrainableModel.SERVING, b)) {
      TInt64 classes = (TInt64) r.get("classes").orElseThrow();
      long[] out = new long[(int) classes.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = classes.getLong(i);
      }
      return out;
    } finally {
      FashionMnistFiles.close(b);
    }
  }
}
