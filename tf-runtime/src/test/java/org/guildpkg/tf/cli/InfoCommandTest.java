package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.guildpkg.tf.data.Examples;
import org.guildpkg.tf.data.TFRecordWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guild info} on packages built here: what {@code guild package} read from the files it
 * packed (splits with example counts, features, classes; a model's signatures) shows in the text.
 */
class InfoCommandTest {
  @TempDir Path tmp;

  /** Packs a dataset of 2x2 uint8 images: 3 train and 2 test examples, 3 classes. */
  Path datasetArchive() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shapes"));
    Files.writeString(dir.resolve("GuildPkg"),
        "[package]\nname = shapes\nversion = 1.0\ntype = dataset\ndescription = tiny shapes\n");
    Files.writeString(dir.resolve("dataset.json"),
        "{\"classes\": [\"circle\", \"square\", \"triangle\"],"
            + " \"features\": {\"image\": {\"dtype\": \"uint8\", \"shape\": [2, 2]}}}");
    write(dir.resolve("train.tfrecord"), 3);
    write(dir.resolve("test.tfrecord"), 2);
    return PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(tmp.resolve("home")).build();
  }

  static void write(Path file, int examples) {
    try (TFRecordWriter w = TFRecordWriter.create(file)) {
      for (int i = 0; i < examples; i++) {
        w.write(Examples.builder().bytes("image", new byte[] {1, 2, 3, (byte) i})
            .int64("label", i % 3).build().toByteArray());
      }
    }
  }

  @Test
  void infoOfADatasetArchiveShowsSplitsWithCountsFeaturesAndClasses() throws Exception {
    CliRun r = CliRun.run("--home", tmp.resolve("home").toString(), "info", datasetArchive().toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("(?m)^splits:\\s+test 2, train 3$")
        .containsPattern("(?m)^features:\\s+image uint8 \\[2, 2\\], label int64 \\[\\]$")
        .containsPattern("(?m)^classes:\\s+circle, square, triangle$");
  }

  @Test
  void infoOfAnInstalledDatasetShowsTheSameAndJsonKeepsTheManifestsInterface() throws Exception {
    Path home = tmp.resolve("home");
    Path archive = datasetArchive();
    assertThat(CliRun.run("--home", home.toString(), "install", archive.toString()).status()).isZero();
    CliRun r = CliRun.run("--home", home.toString(), "info", "shapes");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("(?m)^splits:\\s+test 2, train 3$")
        .containsPattern("(?m)^classes:\\s+circle, square, triangle$");
    JsonNode json = new ObjectMapper().readTree(CliRun.run("--home", home.toString(), "info", "shapes", "--json").out());
    assertThat(json.at("/interface/splits/train/examples").asLong()).isEqualTo(3);
  }

  @Test
  void infoOfAModelPackageShowsEachSignaturesInputsAndOutputs() {
    Path folder = Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("examples/packages/half-plus-two");
    Path archive = PackageBuilder.forDirectory(folder).output(tmp.resolve("out")).home(tmp.resolve("home")).build();
    CliRun r = CliRun.run("--home", tmp.resolve("home").toString(), "info", archive.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern(
        "(?m)^signature:\\s+serving_default \\(tensorflow/serving/predict\\): x float32 \\[-1, 1\\] -> y float32 \\[-1, 1\\]$");
  }

  @Test
  void infoOfAModelWithATrainSignatureSaysWhatServingLeavesOut() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("linear"));
    org.guildpkg.tf.model.LinearModelExport.export(dir.resolve("model"));
    Files.writeString(dir.resolve("GuildPkg"), "[package]\nname = linear\nversion = 1\ntype = model\n"
        + "description = y = x * w\npackager = packager\n");
    Files.writeString(dir.resolve("packager"), "package() {\n  cp -R \"$startdir/model/.\" \"$pkgdir/\"\n}\n");
    Path archive = PackageBuilder.forDirectory(dir).output(tmp.resolve("out")).home(tmp.resolve("home")).build();
    CliRun r = CliRun.run("--home", tmp.resolve("home").toString(), "info", archive.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("(?m)^signature:\\s+train \\(.*\\[changes the model\\]$")
        .containsPattern("(?m)^signature:\\s+evaluate \\(.*float32 \\[\\]$")
        .containsPattern("(?m)^serving:\\s+not served: train \\(.*--allow-signature NAME");
  }
}
