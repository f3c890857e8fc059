package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.mirror.TestPackages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorCommandsTest {
  @TempDir Path tmp;
  String out;
  String err;

  private int guild(String... args) {
    CliRun r = CliRun.guild(tmp.resolve("home"), args);
    out = r.out();
    err = r.err();
    return r.status();
  }

  @Test
  void keyPublishMirrorAndSearchWorkTogetherFromTheCommandLine() throws Exception {
    Path mirror = tmp.resolve("mirror");
    assertThat(guild("key", "generate", tmp.resolve("keys").toString())).isZero();
    Path a = TestPackages.simple(tmp.resolve("w"), "fashion-data", "1.0", "", "a", tmp.resolve("out"));
    assertThat(guild("publish", a.toString(), "--mirror", mirror.toUri().toString(),
        "--key", tmp.resolve("keys/mirror.key").toString())).as(err).isZero();
    assertThat(out).contains("published fashion-data-1.0").contains("index serial 1, signed");

    assertThat(guild("mirror", "add", "main", mirror.toString(), "--key", tmp.resolve("keys/mirror.pub").toString()))
        .as(err).isZero();
    assertThat(guild("mirror", "add", "local", mirror.toUri().toString())).isZero();
    assertThat(err).contains("warning: mirror 'local' has no public key");
    assertThat(guild("mirror", "add", "main", "file:///x")).isEqualTo(1);
    assertThat(err).startsWith("guild: mirror 'main' exists already");

    assertThat(guild("mirror", "list", "--json")).isZero();
    JsonNode list = new ObjectMapper().readTree(out);
    assertThat(list).hasSize(2);
    assertThat(list.get(0).path("name").asText()).isEqualTo("main");
    assertThat(list.get(0).path("signed").asBoolean()).isTrue();
    assertThat(list.get(1).path("signed").asBoolean()).isFalse();

    assertThat(guild("search", "FASHION", "--json")).as(err).isZero();
    JsonNode hits = new ObjectMapper().readTree(out);
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).path("name").asText()).isEqualTo("fashion-data");
    assertThat(hits.get(0).path("version").isTextual()).isTrue();
    assertThat(hits.get(0).path("version").asText()).isEqualTo("1.0");
    assertThat(hits.get(0).path("type").asText()).isEqualTo("source");
    assertThat(hits.get(0).has("description")).isTrue();
    assertThat(hits.get(0).path("mirror").asText()).isEqualTo("main");
    assertThat(guild("search", "fashion")).isZero();
    assertThat(out).contains("NAME").contains("fashion-data").contains("1.0");

    assertThat(guild("mirror", "remove", "local")).isZero();
    assertThat(guild("mirror", "remove", "local")).isEqualTo(1);
    assertThat(err).contains("no mirror named 'local'").contains("[main]");
    assertThat(Files.readString(tmp.resolve("home/config"))).contains("[mirror.main]").doesNotContain("local");
  }

  @Test
  void aMissingKeyFileOrAMalformedUrlIsNamedAndNothingIsAdded() {
    Path missing = tmp.resolve("nokey.pub");
    assertThat(guild("mirror", "add", "m", tmp.resolve("mirror").toString(), "--key", missing.toString()))
        .isEqualTo(1);
    assertThat(err.trim()).isEqualTo("guild: cannot read public key " + missing + ": no such file or folder");
    assertThat(guild("mirror", "add", "m", "ht!tp://host/x")).isEqualTo(1);
    assertThat(err).startsWith("guild: invalid mirror URL 'ht!tp://host/x'");
    assertThat(guild("mirror", "list", "--json")).isZero();
    assertThat(out.trim()).isEqualTo("[ ]");
  }

  @Test
  void searchMarksInstalledPackagesWithTheirVersions() throws Exception {
    Path mirror = tmp.resolve("mirror");
    for (String[] p : new String[][] {{"alpha", "1.0"}, {"alpha", "1.1"}, {"beta", "2.0"}}) {
      Path a = TestPackages.simple(tmp.resolve("w"), p[0], p[1], "", p[0] + p[1], tmp.resolve("out"));
      assertThat(guild("publish", a.toString(), "--mirror", mirror.toUri().toString())).as(err).isZero();
    }
    assertThat(guild("mirror", "add", "main", mirror.toUri().toString())).as(err).isZero();
    assertThat(guild("install", "alpha@1.0")).as(err).isZero();

    assertThat(guild("search")).as(err).isZero();
    assertThat(out.lines().filter(l -> l.startsWith("alpha")).findFirst().orElseThrow())
        .contains("1.1").endsWith("package alpha [installed 1.0]");
    assertThat(out.lines().filter(l -> l.startsWith("beta")).findFirst().orElseThrow())
        .doesNotContain("installed");

    assertThat(guild("search", "--json")).as(err).isZero();
    JsonNode hits = new ObjectMapper().readTree(out);
    assertThat(hits.get(0).get("name").asText()).isEqualTo("alpha");
    assertThat(hits.get(0).get("installed").toString()).isEqualTo("[\"1.0\"]");
    assertThat(hits.get(1).get("installed").toString()).isEqualTo("[]");
  }

  @Test
  void mirrorAddChecksThatTheMirrorAnswersAndRefusesOneThatDoesNot() throws Exception {
    Path mirror = tmp.resolve("mirror");
    assertThat(guild("key", "generate", tmp.resolve("keys").toString())).isZero();
    assertThat(guild("key", "generate", tmp.resolve("other").toString())).isZero();
    Path a = TestPackages.simple(tmp.resolve("w"), "alpha", "1.0", "", "a", tmp.resolve("out"));
    assertThat(guild("publish", a.toString(), "--mirror", mirror.toUri().toString(),
        "--key", tmp.resolve("keys/mirror.key").toString())).as(err).isZero();

    // Nothing listens on port 1: refused, in one line, and not added.
    assertThat(guild("mirror", "add", "down", "http://127.0.0.1:1/guild/")).isEqualTo(1);
    assertThat(err.strip()).doesNotContain("\n").startsWith("guild: mirror 'down' was not added: cannot reach")
        .endsWith("check the URL (and --key), or add it anyway with --no-check");
    // An empty folder: no index.
    assertThat(guild("mirror", "add", "empty", tmp.resolve("nothing").toUri().toString())).isEqualTo(1);
    assertThat(err).contains("mirror 'empty' was not added: mirror 'empty' has no index.json at");
    // Another key than the one that signed the index.
    assertThat(guild("mirror", "add", "main", mirror.toUri().toString(), "--key",
        tmp.resolve("other/mirror.pub").toString())).isEqualTo(1);
    assertThat(err).contains("was not added: the signature of").contains("does not match the key given");
    assertThat(guild("mirror", "list", "--json")).isZero();
    assertThat(out.trim()).isEqualTo("[ ]");

    assertThat(guild("mirror", "add", "main", mirror.toUri().toString(), "--key",
        tmp.resolve("keys/mirror.pub").toString())).as(err).isZero();
    assertThat(out).contains("added mirror main").endsWith("(index serial 1, 1 package, signature checked)\n");
    assertThat(guild("mirror", "add", "down", "http://127.0.0.1:1/guild/", "--no-check")).as(err).isZero();
    assertThat(out).contains("added mirror down http://127.0.0.1:1/guild/ (not checked: --no-check)");
    assertThat(guild("mirror", "add", "later", "http://127.0.0.1:1/later/", "--offline")).as(err).isZero();
    assertThat(out).contains("(not checked: offline)");
  }

  @Test
  void searchWithoutMirrorsSaysHowToAddOne() {
    assertThat(guild("search", "x")).isEqualTo(1);
    assertThat(err).startsWith("guild: no mirrors configured").contains("guild mirror add NAME URL");
  }

  @Test
  void aBadTypeIsAnErrorNamingTheTypes() {
    assertThat(guild("search", "--type", "nope")).isEqualTo(1);
    assertThat(err).contains("unknown package type 'nope'");
  }
}
