package org.guildpkg.tf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.spi.PackageInspector;
import org.guildpkg.tf.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records the signatures of real SavedModels the way packaging does, and refuses non-models. */
class ModelPackageInspectorTest {
  static Manifest manifest(String name, PackageType type) {
    return new Manifest(
        PackageName.of(name), Version.parse("1.0"), type, "", null, null, null, null, null, null,
        null);
  }

  @Test
  void isFoundByServiceLoaderForPackaging() {
    assertThat(PackageInspector.all()).hasAtLeastOneElementOfType(ModelPackageInspector.class);
  }

  @Test
  void recordsHalfPlusTwoSignaturesInTheContractsJsonForm() throws Exception {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    new ModelPackageInspector()
        .inspect(manifest("half-plus-two", PackageType.MODEL), Fixtures.halfPlusTwo(), data);
    ObjectNode expectedServing = (ObjectNode) new ObjectMapper().readTree(
        "{\"method\": \"tensorflow/serving/predict\","
            + " \"inputs\": {\"x\": {\"dtype\": \"float32\", \"shape\": [-1, 1]}},"
            + " \"outputs\": {\"y\": {\"dtype\": \"float32\", \"shape\": [-1, 1]}}}");
    assertThat(data.get("signatures").get("serving_default")).isEqualTo(expectedServing);
    assertThat(data.get("signatures").get("regress_x_to_y").get("method").asText())
        .isEqualTo("tensorflow/serving/regress");
    assertThat(data.get("signatures").get("regress_x_to_y").get("inputs").get("inputs").get("shape").isNull())
        .as("unknown rank is written as null")
        .isTrue();
    assertThat(data.get("signatures").size()).isEqualTo(5);
  }

  @Test
  void keepsSignaturesTheMaintainerAlreadySet() {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.putObject("signatures").putObject("mine");
    new ModelPackageInspector().inspect(manifest("m", PackageType.MODEL), Fixtures.halfPlusTwo(), data);
    assertThat(data.get("signatures").fieldNames()).toIterable().containsExactly("mine");
  }

  @Test
  void leavesOtherPackageTypesAlone(@TempDir Path dir) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    new ModelPackageInspector().inspect(manifest("fashion-mnist", PackageType.DATASET), dir, data);
    assertThat(data.isEmpty()).isTrue();
  }

  @Test
  void refusesAModelPackageWithoutSavedModelNamingPackageAndFolder(@TempDir Path dir) {
    assertThatThrownBy(
            () -> new ModelPackageInspector().inspect(
                manifest("broken", PackageType.MODEL), dir, JsonNodeFactory.instance.objectNode()))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("model package broken@1.0: no SavedModel in " + dir.toAbsolutePath())
        .hasMessageContaining("root of $pkgdir");
  }

  @Test
  void refusesAModelPackageWhoseSavedModelDoesNotLoad(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3});
    assertThatThrownBy(
            () -> new ModelPackageInspector().inspect(
                manifest("broken", PackageType.MODEL), dir, JsonNodeFactory.instance.objectNode()))
        .isInstanceOf(GuildException.class)
        .hasMessageStartingWith("model package broken@1.0: cannot load the SavedModel in " + dir.toAbsolutePath());
  }
}
