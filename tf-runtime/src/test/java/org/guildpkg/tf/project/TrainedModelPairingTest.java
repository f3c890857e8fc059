package org.guildpkg.tf.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.guildpkg.cli.CliRun.guild;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.data.Examples;
import org.guildpkg.tf.data.TFRecordWriter;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.guildpkg.tf.train.InputSpec;
import org.guildpkg.tf.train.TrainableModel;
import org.guildpkg.tf.train.TrainableModelTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Tensor;
import org.tensorflow.proto.Example;

/**
 * Issue 5: a trained model's inputs are named after its dataset's features, so {@code guild check}
 * proves the pairing of the exported softmax model with a Fashion-MNIST-shaped dataset package.
 */
class TrainedModelPairingTest {
  @TempDir Path tmp;
  private ProjectCompiler.Compiled compiled;

  @AfterEach
  void closeClassLoader() {
    if (compiled != null) {
      compiled.close();
    }
  }

  /** The softmax source package, trained for three steps on real Fashion-MNIST and exported. */
  Path trainedSoftmax() {
    Path src = TrainableModelTest.examples().resolve("fashion-mnist-softmax-src");
    compiled = ProjectCompiler.compile(src, ModelDescriptor.read(src), tmp.resolve("classes"));
    FashionMnistFiles data = FashionMnistFiles.read("t10k");
    Path out = tmp.resolve("model");
    try (TrainableModel m = TrainableModel.build(
        compiled.code(), TrainableModelTest.defaults("fashion-mnist-softmax-src"), InputSpec.fashionMnist(), 1)) {
      for (int step = 0; step < 3; step++) {
        Map<String, Tensor> b = data.batch(step * 32, 32);
        try {
          assertThat(m.trainStep(b).loss()).isFinite();
        } finally {
          FashionMnistFiles.close(b);
        }
      }
      m.export(out);
    }
    return out;
  }

  /** Packs and installs a dataset package of two examples; returns its store folder. */
  Path dataset(String name, String hints, IntFunction<Example> example) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("src-" + name));
    Files.writeString(dir.resolve("GuildPkg"), "[package]\nname = " + name + "\nversion = 1.0\ntype = dataset\n");
    Files.writeString(dir.resolve("dataset.json"), hints);
    try (TFRecordWriter w = TFRecordWriter.create(dir.resolve("train.tfrecord"))) {
      for (int i = 0; i < 2; i++) {
        w.write(example.apply(i).toByteArray());
      }
    }
    Path home = tmp.resolve("home");
    Path archive = PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(home).build();
    return GuildPackages.at(home).install(archive.toString()).get(0).path();
  }

  @Test
  void checkProvesTheTrainedSoftmaxAcceptsAFashionMnistDatasetAndRefusesAnother() throws Exception {
    Path model = trainedSoftmax();
    Path fashion = dataset("tiny-fashion", "{\"features\": {\"image\": {\"dtype\": \"uint8\", \"shape\": [28, 28]}}}",
        i -> Examples.builder().bytes("image", new byte[28 * 28]).int64("label", i).build());
    CliRun ok = guild(tmp.resolve("home"), "check", model.toString(), fashion.toString());
    assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .containsPattern("serving_default\\s+image\\s+uint8 \\[-1, 28, 28\\]\\s+<-\\s+image\\s+uint8 \\[28, 28\\]\\s+ok")
        .containsPattern("train\\s+image\\s+uint8 \\[-1, 28, 28\\]\\s+<-\\s+image\\s+uint8 \\[28, 28\\]\\s+ok")
        .containsPattern("train\\s+label\\s+int64 \\[-1\\]\\s+<-\\s+label\\s+int64 \\[\\]\\s+ok")
        .doesNotContain("MISMATCH");

    // Same names, but the pixels as 784 floats: the model takes no such input.
    Path floats = dataset("flat-floats", "{}",
        i -> Examples.builder().float32("image", new float[28 * 28]).int64("label", i).build());
    CliRun bad = guild(tmp.resolve("home"), "check", model.toString(), floats.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.out()).contains("MISMATCH: dtype uint8 is not the feature's float32");
    assertThat(bad.err()).startsWith("guild: ").contains("does not accept")
        .contains("serving_default input 'image': dtype uint8 is not the feature's float32");
  }
}
