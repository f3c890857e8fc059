package org.guildpkg.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.archive.Manifest;
import org.guildpkg.cli.CliRun;
import org.guildpkg.mirror.Nginx;
import org.guildpkg.mirror.TestPackages;
import org.guildpkg.spec.PackageType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole mirror story through the CLI and GuildPackages: publish to a real nginx by PUT and to
 * a file mirror, search, install with requires, load, upgrade, uninstall, verify.
 */
class MirrorEndToEndTest {
  @TempDir Path tmp;
  String out;
  String err;

  private int guild(String... args) {
    CliRun r = CliRun.guild(tmp.resolve("home"), args);
    out = r.out();
    err = r.err();
    return r.status();
  }

  private Path archive(String name, String version, PackageType type, String description, String requires,
      Map<String, String> files) {
    Manifest m = TestPackages.manifest(name, version, type, description, List.of(type.id(), "example"), requires);
    return TestPackages.archive(tmp.resolve("work"), m, files, tmp.resolve("out-" + name + "-" + version));
  }

  @Test
  void publishSearchInstallLoadUpgradeUninstallVerify() throws Exception {
    Assumptions.assumeTrue(Nginx.available(), "nginx is not installed at /usr/sbin/nginx (.ci/run installs it)");
    try (Nginx nginx = Nginx.start(tmp.resolve("nginx"))) {
      String web = nginx.url().resolve("guild/").toString();
      String local = tmp.resolve("file-mirror").toUri().toString();
      Path data = archive("fashion-mnist", "1.0", PackageType.DATASET, "Fashion-MNIST images", "",
          Map.of("train-00000-of-00001.tfrecord", "train", "test-00000-of-00001.tfrecord", "test"));
      Path model = archive("convnet+fashion-mnist", "1.0", PackageType.MODEL, "A convnet trained on Fashion-MNIST",
          "fashion-mnist >= 1.0", Map.of("saved_model.pb", "graph v1", "variables/variables.index", "v1"));
      Path src = archive("mnist-tutorial-src", "1", PackageType.SOURCE, "TensorFlow MNIST tutorial source", "",
          Map.of("src/Model.java", "class Model {}"));

      assertThat(guild("key", "generate", tmp.resolve("keys").toString())).isZero();
      String key = tmp.resolve("keys/mirror.key").toString();
      assertThat(guild("publish", data.toString(), model.toString(), "--mirror", web, "--key", key)).as(err).isZero();
      assertThat(guild("publish", src.toString(), "--mirror", local)).as(err).isZero();
      assertThat(guild("mirror", "add", "web", web, "--key", tmp.resolve("keys/mirror.pub").toString())).isZero();
      assertThat(guild("mirror", "add", "local", local)).isZero();

      assertThat(guild("search", "fashion", "--json")).as(err).isZero();
      JsonNode hits = new ObjectMapper().readTree(out);
      assertThat(hits).extracting(h -> h.path("name").asText() + "@" + h.path("version").asText() + " " + h.path("mirror").asText())
          .containsExactly("convnet+fashion-mnist@1.0 web", "fashion-mnist@1.0 web");
      assertThat(guild("search", "--type", "source")).isZero();
      assertThat(out).contains("mnist-tutorial-src");

      // install pulls in the required dataset
      assertThat(guild("install", "convnet+fashion-mnist")).as(err).isZero();
      assertThat(guild("list", "--json")).isZero();
      assertThat(new ObjectMapper().readTree(out)).extracting(p -> p.path("name").asText() + "@" + p.path("version").asText())
          .containsExactlyInAnyOrder("convnet+fashion-mnist@1.0", "fashion-mnist@1.0");

      // GuildPackages.load installs a missing package from the (file) mirror
      GuildPackage loaded = GuildPackages.at(tmp.resolve("home")).offline(false).load("mnist-tutorial-src>=1");
      assertThat(loaded.path().resolve("src/Model.java")).hasContent("class Model {}");
      assertThat(GuildPackages.at(tmp.resolve("home")).load("fashion-mnist").path()
          .resolve("train-00000-of-00001.tfrecord")).hasContent("train");

      // upgrade after a newer version is published
      Path model11 = archive("convnet+fashion-mnist", "1.1", PackageType.MODEL, "A convnet trained on Fashion-MNIST",
          "fashion-mnist >= 1.0", Map.of("saved_model.pb", "graph v1.1", "variables/variables.index", "v1.1"));
      assertThat(guild("publish", model11.toString(), "--mirror", web, "--key", key)).as(err).isZero();
      assertThat(guild("upgrade")).as(err).isZero();
      assertThat(out).contains("upgraded convnet+fashion-mnist 1.0 -> 1.1");
      Path home = tmp.resolve("home");
      assertThat(home.resolve("packages/convnet+fashion-mnist/1.1/saved_model.pb")).hasContent("graph v1.1");
      assertThat(home.resolve("packages/convnet+fashion-mnist/1.0")).doesNotExist();
      assertThat(guild("upgrade")).isZero();
      assertThat(out).contains("everything is up to date");
      assertThat(guild("upgrade", "--json")).isZero();
      assertThat(out.strip()).isEqualTo("[ ]");
      Path model12 = archive("convnet+fashion-mnist", "1.2", PackageType.MODEL, "A convnet trained on Fashion-MNIST",
          "fashion-mnist >= 1.0", Map.of("saved_model.pb", "graph v1.2", "variables/variables.index", "v1.2"));
      assertThat(guild("publish", model12.toString(), "--mirror", web, "--key", key)).as(err).isZero();
      assertThat(guild("upgrade", "--json")).as(err).isZero();
      JsonNode upgraded = new ObjectMapper().readTree(out);
      assertThat(upgraded).hasSize(1);
      assertThat(upgraded.get(0).get("name").asText()).isEqualTo("convnet+fashion-mnist");
      assertThat(upgraded.get(0).get("from").asText()).isEqualTo("1.1");
      assertThat(upgraded.get(0).get("to").asText()).isEqualTo("1.2");
      assertThat(upgraded.get(0).get("kept")).isEmpty();

      // verify names a changed file
      Files.writeString(home.resolve("packages/fashion-mnist/1.0/test-00000-of-00001.tfrecord"), "changed");
      assertThat(guild("verify")).isEqualTo(1);
      assertThat(out + err).contains("test-00000-of-00001.tfrecord");

      // uninstall is refused while required, done with --force
      assertThat(guild("uninstall", "fashion-mnist")).isEqualTo(1);
      assertThat(err).contains("convnet+fashion-mnist@1.2 requires");
      assertThat(home.resolve("packages/fashion-mnist/1.0")).exists();
      assertThat(guild("uninstall", "fashion-mnist", "--force")).as(err).isZero();
      assertThat(home.resolve("packages/fashion-mnist/1.0")).doesNotExist();
    }
  }
}
