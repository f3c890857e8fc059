package org.guildpkg.tf.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildHome;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.tf.model.SavedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, adding and removing models while serving, and how package versions become numbers. */
class ModelServerLifecycleTest {
  @TempDir Path tmp;

  static final String GOOD = "{\"instances\": [1.0, 2.0, 5.0]}";

  @Test
  void modelsAreAddedAndRemovedWhileTheServerRuns() {
    Path fx = Http.tfServing();
    try (ModelServer server = ModelServer.builder().start();
        SavedModel mine = SavedModel.open(fx.resolve("saved_model_half_plus_three/00000123"))) {
      URI base = server.uri();
      assertThat(Http.get(base, "/v1/models/m").status()).isEqualTo(404);
      server.add("m", fx.resolve("saved_model_half_plus_two_cpu"));
      server.add("m", 7, mine);
      assertThat(Http.get(base, "/v1/models/m").json().findValuesAsText("version"))
          .containsExactly("7", "123");
      // The highest version answers requests without one; /versions/7 reaches the other.
      assertThat(Http.post(base, "/v1/models/m:predict", GOOD).json().toString())
          .isEqualTo("{\"predictions\":[2.5,3.0,4.5]}");
      assertThat(Http.post(base, "/v1/models/m/versions/7:predict", GOOD).json().toString())
          .isEqualTo("{\"predictions\":[3.5,4.0,5.5]}");
      assertThatThrownBy(() -> server.add("m", 7, mine))
          .isInstanceOf(GuildException.class)
          .hasMessageContaining("model m already serves version 7");
      assertThat(server.remove("m", 123)).isTrue();
      assertThat(Http.post(base, "/v1/models/m:predict", GOOD).json().toString())
          .isEqualTo("{\"predictions\":[3.5,4.0,5.5]}");
      assertThat(server.remove("m")).isTrue();
      assertThat(server.remove("m")).isFalse();
      assertThat(Http.post(base, "/v1/models/m:predict", GOOD).status()).isEqualTo(404);
      // A model the caller opened stays open after the server lets it go.
      assertThat(mine.predict(new float[][] {{1f}})).isDeepEqualTo(new float[][] {{3.5f}});
    }
  }

  @Test
  void closedServerRefusesNewModelsAndFreesItsOwn() {
    ModelServer server = ModelServer.builder().start();
    server.add("m", Http.tfServing().resolve("saved_model_half_plus_two_cpu"));
    URI base = server.uri();
    server.close();
    assertThat(server.models()).isEmpty();
    assertThatThrownBy(() -> Http.get(base, "/v1/models/m")).isInstanceOf(java.io.UncheckedIOException.class);
    assertThatThrownBy(() -> server.add("m", Http.tfServing().resolve("saved_model_half_plus_two_cpu")))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void folderWithoutSavedModelIsRefusedWithItsPath() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    try (ModelServer server = ModelServer.builder().start()) {
      assertThatThrownBy(() -> server.add("e", empty))
          .isInstanceOf(GuildException.class)
          .hasMessageContaining("no SavedModel in " + empty.toAbsolutePath());
      assertThatThrownBy(() -> server.add("a/b", empty))
          .hasMessageContaining("invalid model name 'a/b'");
    }
  }

  @Test
  void packageVersionsBecomeIntegersByTheDocumentedRule() {
    assertThat(ModelServer.versionNumber("123", List.of(), List.of())).isEqualTo(123);
    assertThat(ModelServer.versionNumber("00000123", List.of(), List.of())).isEqualTo(123);
    List<String> installed = List.of("2.0", "1.0", "1.10", "1.9", "2.0-rc1");
    assertThat(ModelServer.versionNumber("1.0", installed, List.of())).isEqualTo(1);
    assertThat(ModelServer.versionNumber("1.9", installed, List.of())).isEqualTo(2);
    assertThat(ModelServer.versionNumber("1.10", installed, List.of())).isEqualTo(3);
    assertThat(ModelServer.versionNumber("2.0-rc1", installed, List.of())).isEqualTo(4);
    assertThat(ModelServer.versionNumber("2.0", installed, List.of())).isEqualTo(5);
    // Versions already served count as installed ones (packages outside a store).
    assertThat(ModelServer.versionNumber("3.0", List.of(), List.of("1.0", "2.0"))).isEqualTo(3);
  }

  /** A model package folder holding TensorFlow Serving's half_plus_two at {@code version}. */
  Path modelPackage(String name, String version) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("src-" + name + "-" + version));
    Files.writeString(dir.resolve("GuildPkg"),
        "[package]\nname = " + name + "\nversion = " + version + "\ntype = model\n");
    Path model = Http.tfServing().resolve("saved_model_half_plus_two_cpu/00000123");
    try (Stream<Path> s = Files.walk(model)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = dir.resolve(model.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dir;
  }

  @Test
  void installedPackageVersionsAreServedAsRanksWithTheirVersionsAsLabels() throws IOException {
    Path home = tmp.resolve("home");
    GuildHome guild = GuildPackages.at(home);
    for (String v : List.of("1.0", "2.0-rc1", "2.0")) {
      Path archive = PackageBuilder.forDirectory(modelPackage("hp2", v)).output(tmp).home(home).build();
      guild.install(archive.toString());
    }
    // The server asks the home (core's API) for the installed versions; it reads no store folder.
    try (ModelServer server = ModelServer.builder().home(guild).start()) {
      // Added newest first: ranks come from what the store holds, not from the order of adding.
      for (String v : List.of("2.0", "1.0", "2.0-rc1")) {
        GuildPackage pkg = guild.load("hp2@" + v);
        server.add(pkg);
      }
      assertThat(server.models()).extracting(m -> m.version() + "=" + m.packageVersion().orElseThrow())
          .containsExactly("1=1.0", "2=2.0-rc1", "3=2.0");
      URI base = server.uri();
      assertThat(Http.get(base, "/v1/models/hp2/labels/2.0-rc1").json().findValuesAsText("version"))
          .containsExactly("2");
      assertThat(Http.get(base, "/v1/models/hp2/labels/stable").json().findValuesAsText("version"))
          .containsExactly("3");
      assertThat(Http.get(base, "/v1/models/hp2/labels/1.0/metadata").json().at("/model_spec/version").asText())
          .isEqualTo("1");
      assertThat(Http.post(base, "/v1/models/hp2/labels/1.0:predict", GOOD).json().toString())
          .isEqualTo("{\"predictions\":[2.5,3.0,4.5]}");
      assertThatThrownBy(() -> server.add(guild.load("hp2@1.0")))
          .isInstanceOf(GuildException.class)
          .hasMessageContaining("model hp2 already serves version 1");
    }
  }
}
