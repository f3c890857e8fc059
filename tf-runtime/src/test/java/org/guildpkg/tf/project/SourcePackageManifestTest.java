package org.guildpkg.tf.project;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.train.TrainableModelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guild package} of a source package records its model.json's flags and dataset. */
class SourcePackageManifestTest {
  @Test
  void packingTheSoftmaxSourceCopiesItsFlagsWithDefaultsAndHelpAndItsDatasetIntoTheManifest(@TempDir Path tmp) {
    Path src = TrainableModelTest.examples().resolve("fashion-mnist-softmax-src");
    Path archive = PackageBuilder.forDirectory(src).output(tmp.resolve("out")).home(tmp.resolve("home")).build();
    JsonNode data = ArchiveReader.readManifest(archive).interfaceData();

    assertThat(data.path("dataset").asText()).isEqualTo("fashion-mnist");
    JsonNode flags = data.path("flags");
    assertThat(flags.fieldNames()).toIterable()
        .containsExactlyInAnyOrder("learning_rate", "batch_size", "epochs", "seed");
    assertThat(flags.at("/learning_rate/default").asText()).isEqualTo("0.5");
    assertThat(flags.at("/learning_rate/type").asText()).isEqualTo("float");
    assertThat(flags.at("/learning_rate/help").asText()).isEqualTo("Gradient descent step size.");
    assertThat(flags.at("/batch_size/default").asText()).isEqualTo("100");
    assertThat(flags.at("/batch_size/type").asText()).isEqualTo("int");
    assertThat(flags.at("/batch_size/help").asText()).isEqualTo("Examples per training step.");

    CliRun info = CliRun.guild(tmp.resolve("home"), "info", archive.toString());
    assertThat(info.status()).as(info.err()).isZero();
    assertThat(info.out())
        .containsPattern("(?m)^flags:\\s+learning_rate=0\\.5 \\(float\\), batch_size=100 \\(int\\), epochs=1 \\(int\\), seed=1 \\(int\\)$")
        .containsPattern("(?m)^dataset:\\s+fashion-mnist$");
  }
}
