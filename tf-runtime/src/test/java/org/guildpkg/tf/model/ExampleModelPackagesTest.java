package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackages;
import org.guildpkg.archive.ArchiveReader;
import org.guildpkg.archive.Manifest;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.spec.PackageType;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Builds the example model packages (examples/packages/*) and checks what their manifests say. */
class ExampleModelPackagesTest {
  @TempDir Path tmp;

  Path build(Path folder) {
    return PackageBuilder.forDirectory(folder).output(tmp).home(tmp.resolve("home")).build();
  }

  static Path example(String name) {
    return Fixtures.repoRoot().resolve("examples/packages").resolve(name);
  }

  @ParameterizedTest
  @CsvSource({
    "half-plus-two, 'classify_x_to_y,regress_x2_to_y3,regress_x_to_y,regress_x_to_y2,serving_default'",
    "half-plus-two-tf2, 'classify_x2_to_y3,classify_x_to_y,regress_x2_to_y3,regress_x_to_y,regress_x_to_y2,serving_default'",
    "half-plus-three, 'serving_default'",
    "counter, 'get_counter,incr_counter,incr_counter_by,reset_counter'",
  })
  void examplePackageRecordsItsSavedModelsSignatures(String name, String keys) {
    Manifest m = ArchiveReader.readManifest(build(example(name)));
    assertThat(m.type()).isEqualTo(PackageType.MODEL);
    JsonNode sigs = m.interfaceData().get("signatures");
    assertThat(sigs.fieldNames()).toIterable().containsExactly(keys.split(","));
  }

  @Test
  void installedExamplePackagesLoadAsSavedModelsAndAnswer() {
    Path home = tmp.resolve("home");
    GuildHome guild = GuildPackages.at(home);
    for (String name : List.of("half-plus-two", "half-plus-two-tf2", "half-plus-three", "counter")) {
      guild.install(build(example(name)).toString());
    }
    try (SavedModel m = GuildPackages.at(home).load("half-plus-two").as(SavedModel.class)) {
      assertThat(m.predict(new float[][] {{1f}, {2f}, {5f}}))
          .isDeepEqualTo(new float[][] {{2.5f}, {3.0f}, {4.5f}});
      assertThat(m.path()).isEqualTo(home.resolve("packages/half-plus-two/1.0").toAbsolutePath());
    }
    try (SavedModel m = guild.load("half-plus-two-tf2@1.0").as(SavedModel.class);
        ModelResult r = m.callArrays("serving_default", Map.of("x", new float[] {1f, 2f, 5f}))) {
      assertThat(r.floats("y")).containsExactly(2.5f, 3.0f, 4.5f);
    }
    try (SavedModel m = guild.load("half-plus-three>=1.0").as(SavedModel.class)) {
      assertThat(m.predict(new float[][] {{1f}, {2f}, {5f}}))
          .isDeepEqualTo(new float[][] {{3.5f}, {4.0f}, {5.5f}});
    }
    try (SavedModel m = guild.load("counter").as(SavedModel.class)) {
      try (ModelResult r = m.callArrays("incr_counter_by", Map.of("delta", 5f))) {
        assertThat(r.floatValue("output")).isEqualTo(5f);
      }
      try (ModelResult r = m.callArrays("get_counter", Map.of())) {
        assertThat(r.floatValue("output")).isEqualTo(5f);
      }
    }
  }

  @Test
  void halfPlusTwoRecordsServingDefaultAsContractsSay() {
    JsonNode s = ArchiveReader.readManifest(build(example("half-plus-two")))
        .interfaceData().get("signatures").get("serving_default");
    assertThat(s.get("method").asText()).isEqualTo("tensorflow/serving/predict");
    assertThat(s.get("inputs").get("x").get("dtype").asText()).isEqualTo("float32");
    assertThat(s.get("inputs").get("x").get("shape").toString()).isEqualTo("[-1,1]");
    assertThat(s.get("outputs").get("y").get("shape").toString()).isEqualTo("[-1,1]");
  }

  @Test
  void modelPackageWhosePackagerLeavesNoSavedModelIsRefusedAndNoArchiveWritten() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty-model"));
    Files.writeString(dir.resolve("GuildPkg"),
        "[package]\nname = empty-model\nversion = 1\ntype = model\npackager = packager\n");
    Files.writeString(dir.resolve("packager"), "package() {\n  echo nothing > \"$pkgdir/README\"\n}\n");
    assertThatThrownBy(() -> build(dir))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("model package empty-model@1: no SavedModel in ")
        .hasMessageContaining("saved_model.pb is missing");
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pkg.tar.zst"));
    }
  }
}
