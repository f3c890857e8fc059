package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.guildpkg.cli.CliRun.guild;

import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.train.TrainableModelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guild demo} end to end on a small budget (the softmax model, 150 steps). */
class DemoCommandTest {
  @Test
  void demoPublishesTrainsPackagesAndClassifiesWithTheInstalledModel(@TempDir Path tmp) {
    Path home = tmp.resolve("home");
    CliRun o = guild(home, "demo", "--source", "fashion-mnist-softmax-src", "--steps", "150",
        "--images", "6", "--examples", TrainableModelTest.examples().toString());
    assertThat(o.status()).as(o.err()).isZero();
    assertThat(o.out()).contains("==> 1. Guild demo in " + home.resolve("demo"))
        .containsPattern("test image 5: true +\\S")
        .containsPattern("\\d of 6 right");
    GuildPackage model = GuildPackages.at(home).load("fashion-mnist-softmax+fashion-mnist");
    assertThat(model.manifest().interfaceData().at("/lineage/source/name").asText()).isEqualTo("fashion-mnist-softmax-src");
    assertThat(model.manifest().interfaceData().at("/lineage/dataset/version").asText()).isEqualTo("1.0");
    assertThat(model.manifest().interfaceData().at("/metrics/accuracy").asDouble()).isGreaterThan(0.7);
    assertThat(home.resolve("demo/mirror/index.json")).isRegularFile();

    // A second demo in the same home reuses its mirror and project and trains a newer model.
    CliRun again = guild(home, "demo", "--source", "fashion-mnist-softmax-src", "--steps", "20",
        "--images", "2", "--examples", TrainableModelTest.examples().toString());
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.out()).contains("model fashion-mnist-softmax+fashion-mnist@1.0.2:");
  }

  @Test
  void missingFashionMnistFilesSayHowToGetThem(@TempDir Path tmp) {
    assertThatThrownBy(() -> DemoCommand.requireFashionMnist(tmp))
        .isInstanceOf(GuildException.class)
        .hasMessage("Fashion-MNIST is not in " + tmp
            + ": install it with 'sudo apt-get install dataset-fashion-mnist' and run guild demo again");
    DemoCommand.requireFashionMnist(DemoCommand.FASHION_MNIST); // Debian's files are there here
  }
}
