package org.guildpkg.tf.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackages;
import org.guildpkg.spec.GuildPkg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Inception recipes name upstream files that cannot be had on these machines: packaging says
 * so in one line, and loading a package no mirror has says what and where it looked. (The
 * frozen-GraphDef import they run is proved in {@link ModelImportsTest} on a graph the test makes.)
 */
class InceptionRecipesTest {
  @TempDir Path tmp;

  static Path example(String name) {
    return Path.of("").toAbsolutePath().getParent().resolve("examples/packages").resolve(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inception-v1+ilsvrc2012", "inception-v3+ilsvrc2012"})
  void packagingOfflineSaysInOneLineThatTheUpstreamFileCannotBeHad(String name) throws Exception {
    ImagenetPackagesTest.Cli r = ImagenetPackagesTest.Cli.run("--home", tmp.resolve("home").toString(), "--offline",
        "package", example(name).toString(), "--output", tmp.toString());
    assertThat(r.status()).isEqualTo(1);
    // Progress lines ("==> ...") come first; the error is the one line starting "guild: ".
    java.util.List<String> errors = r.err().lines().filter(l -> l.startsWith("guild: ")).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).contains("https://storage.googleapis.com/download.tensorflow.org/models/");
    assertThat(r.err().lines().filter(l -> !l.startsWith("==> ") && !l.startsWith("guild: "))).isEmpty();
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pkg.tar.zst"));
    }
  }

  @Test
  void recipesNameTheirUpstreamFilesAndTheImport() throws Exception {
    GuildPkg v1 = GuildPkg.parse(example("inception-v1+ilsvrc2012").resolve("GuildPkg"));
    assertThat(v1.sources().get(0)).contains("inception_v1.zip");
    assertThat(v1.sha256sums()).containsExactly("7efe12a8363f09bc24d7b7a450304a15655a57a7751929b2c1593a71183bb105");
    assertThat(Files.readString(example("inception-v3+ilsvrc2012").resolve("packager")))
        .contains("guild model import graphdef").contains("InceptionV3/Predictions/Softmax");
  }

  @Test
  void loadingAPackageNoMirrorHasSaysWhatAndWhere() {
    Path home = tmp.resolve("empty-home");
    assertThatThrownBy(() -> GuildPackages.at(home).load("inception-v3+ilsvrc2012"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("'inception-v3+ilsvrc2012' is not installed in " + home)
        .hasMessageContaining("guild install inception-v3+ilsvrc2012");
  }
}
