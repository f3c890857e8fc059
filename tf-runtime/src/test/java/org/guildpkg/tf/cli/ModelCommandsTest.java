package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guild check} and {@code guild deploy} on the real half_plus_two SavedModel. */
class ModelCommandsTest {
  @TempDir Path tmp;

  static Path halfPlusTwo() {
    return Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("testdata/tf-serving/saved_model_half_plus_two_cpu/00000123").normalize();
  }

  /** A dataset folder whose manifest declares {@code features} (JSON), as a dataset package's. */
  Path dataset(String features) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("data-" + Math.abs(features.hashCode())));
    Files.writeString(dir.resolve(".MANIFEST.json"),
        "{\"name\": \"numbers\", \"version\": \"1\", \"type\": \"dataset\","
            + " \"interface\": {\"features\": " + features + "}}");
    return dir;
  }

  /** Builds examples/packages/NAME with PackageBuilder and installs it into a store at {@code home}. */
  Path install(Path home, String name) {
    Path folder = Path.of(System.getProperty("guild.repoRoot", "..")).toAbsolutePath().normalize()
        .resolve("examples/packages").resolve(name);
    Path archive = PackageBuilder.forDirectory(folder).output(tmp).home(home).build();
    return GuildPackages.at(home).install(archive.toString()).get(0).path();
  }

  @Test
  void checkPrintsEachInputAgainstItsFeatureAndPassesWhenTheyFit() throws Exception {
    Path data = dataset("{\"x\": {\"dtype\": \"float32\", \"shape\": [1]},"
        + " \"label\": {\"dtype\": \"int64\", \"shape\": []}}");
    CliRun r = CliRun.run("check", halfPlusTwo().toString(), data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("serving_default\\s+x\\s+float32 \\[-1, 1\\]\\s+<-\\s+x\\s+float32 \\[1\\]\\s+ok");
  }

  @Test
  void checkAndDeployReportAsJson() throws Exception {
    Path good = dataset("{\"x\": {\"dtype\": \"float32\", \"shape\": [1]}}");
    CliRun ok = CliRun.run("check", halfPlusTwo().toString(), good.toString(), "--json");
    assertThat(ok.status()).as(ok.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(ok.out());
    assertThat(report.get("ok").asBoolean()).isTrue();
    assertThat(report.get("inputs")).anySatisfy(i -> {
      assertThat(i.get("signature").asText()).isEqualTo("serving_default");
      assertThat(i.get("input").asText()).isEqualTo("x");
      assertThat(i.get("feature").asText()).isEqualTo("x");
      assertThat(i.get("problem").isNull()).isTrue();
    });
    CliRun bad = CliRun.run("check", halfPlusTwo().toString(), dataset("{\"x\": {\"dtype\": \"int64\", \"shape\": [1]}}").toString(), "--json");
    assertThat(bad.status()).isEqualTo(1);
    JsonNode badReport = new ObjectMapper().readTree(bad.out());
    assertThat(badReport.get("ok").asBoolean()).isFalse();
    assertThat(badReport.get("inputs")).anySatisfy(i -> assertThat(i.get("problem").asText()).contains("int64"));

    Path to = tmp.resolve("serving-json");
    CliRun deploy = CliRun.run("deploy", halfPlusTwo().toString(), "--to", to.toString(), "--name", "hp2", "--json");
    assertThat(deploy.status()).as(deploy.err()).isZero();
    JsonNode d = new ObjectMapper().readTree(deploy.out());
    assertThat(d.get("name").asText()).isEqualTo("hp2");
    assertThat(d.get("version").asLong()).isEqualTo(1);
    assertThat(d.get("path").asText()).isEqualTo(to.resolve("hp2/1").toAbsolutePath().toString());
    assertThat(to.resolve("hp2/1/saved_model.pb")).isRegularFile();
  }

  @Test
  void checkFailsWithOneLineOnAWrongDtype() throws Exception {
    Path data = dataset("{\"x\": {\"dtype\": \"int64\", \"shape\": [1]}}");
    CliRun r = CliRun.run("check", halfPlusTwo().toString(), data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains("MISMATCH: dtype float32 is not the feature's int64");
    assertThat(r.err().strip()).startsWith("guild: " + halfPlusTwo() + " does not accept ")
        .endsWith("serving_default input 'x': dtype float32 is not the feature's int64")
        .doesNotContain("\n");
  }

  @Test
  void checkFailsOnAShapeThatIsNoBatchOfTheFeature() throws Exception {
    Path data = dataset("{\"x\": {\"dtype\": \"float32\", \"shape\": [2]}}");
    CliRun r = CliRun.run("check", halfPlusTwo().toString(), data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("shape [-1, 1] is not a batch of the feature's [2]");
  }

  @Test
  void checkFailsWhenTheDatasetLacksAnInputsFeature() throws Exception {
    Path data = dataset("{\"image\": {\"dtype\": \"uint8\", \"shape\": [28, 28]}}");
    CliRun r = CliRun.run("check", halfPlusTwo().toString(), data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("the dataset has no feature 'x' (features: image)");
  }

  @Test
  void checkRefusesADatasetWithoutFeatures() throws Exception {
    CliRun r = CliRun.run("check", halfPlusTwo().toString(), tmp.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("guild: " + tmp.toAbsolutePath()).contains("has no features in its manifest");
  }

  @Test
  void checkFindsAnInstalledModelPackageByName() throws Exception {
    Path home = tmp.resolve("home");
    install(home, "half-plus-two");
    Path data = dataset("{\"x\": {\"dtype\": \"int64\", \"shape\": [1]}}");
    CliRun r = CliRun.run("--home", home.toString(), "check", "half-plus-two", data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("guild: half-plus-two@1.0 (" + home.resolve("packages/half-plus-two/1.0"));
  }

  @Test
  void deployPrintsTheVersionFolderItWroteAndNamesItAfterThePackage() throws Exception {
    Path home = tmp.resolve("home");
    install(home, "half-plus-two");
    Path to = tmp.resolve("serving");
    CliRun first = CliRun.run("--home", home.toString(), "deploy", "half-plus-two@1.0", "--to", to.toString());
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out().strip()).isEqualTo(to.resolve("half-plus-two/1").toAbsolutePath().toString());
    assertThat(first.err()).contains("deployed half-plus-two@1.0");
    assertThat(to.resolve("half-plus-two/1/variables/variables.data-00000-of-00001")).isRegularFile();
    assertThat(to.resolve("half-plus-two/1/.MANIFEST.json")).doesNotExist();

    CliRun explicit = CliRun.run("--home", home.toString(), "deploy", "half-plus-two", "--to", to.toString(), "--version", "42");
    assertThat(explicit.out().strip()).endsWith("half-plus-two/42");
    CliRun again = CliRun.run("--home", home.toString(), "deploy", "half-plus-two", "--to", to.toString(), "--version", "42");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).startsWith("guild: ").contains("exists already");
  }

  @Test
  void deployOfAFolderTakesItsNameFromNameOption() {
    Path to = tmp.resolve("serving");
    CliRun r = CliRun.run("deploy", halfPlusTwo().toString(), "--to", to.toString(), "--name", "hp2");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(to.resolve("hp2/1/saved_model.pb")).isRegularFile();
  }

  @Test
  void deployWithoutToIsAUsageError() {
    CliRun r = CliRun.run("deploy", halfPlusTwo().toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--to");
  }

  @Test
  void deployOfAnUninstalledPackageSaysHowToInstallIt() {
    CliRun r = CliRun.run("--home", tmp.toString(), "deploy", "nope", "--to", tmp.resolve("s").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("guild: package 'nope' is not installed in").contains("guild install nope");
  }
}
