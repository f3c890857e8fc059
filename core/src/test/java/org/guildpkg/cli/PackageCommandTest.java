package org.guildpkg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.guildpkg.archive.PackageFormat;
import org.guildpkg.build.PackageFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code guild package} through the CLI, on the seed's mnist-tutorial-src example. */
class PackageCommandTest {
  private static final Path EXAMPLE =
      Path.of(System.getProperty("guild.repoRoot", "."), "examples/packages/mnist-tutorial-src");

  @TempDir Path tmp;

  private CliRun guild(String... args) {
    return CliRun.guild(tmp.resolve("home"), args);
  }

  @Test
  void theMnistTutorialExampleBuildsReproduciblyAndListsWithTar() throws Exception {
    CliRun first = guild("package", EXAMPLE.toString(),
        "--output", tmp.resolve("a").toString());
    assertThat(first.status()).as(first.err()).isZero();
    Path archive = Path.of(first.lastLine());
    assertThat(archive).isEqualTo(tmp.resolve("a/mnist-tutorial-src-1.pkg.tar.zst")).exists();
    assertThat(first.err()).contains("==> Starting prepare()...", "patching file mnist_softmax.py",
        "==> Starting package()...");

    CliRun second = guild("package", EXAMPLE.toString(),
        "--output", tmp.resolve("b").toString());
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(PackageFolders.sha256(Path.of(second.lastLine())))
        .isEqualTo(PackageFolders.sha256(archive));

    assertThat(tarList(archive)).containsExactly(".MANIFEST.json", ".FILES.json", "data/Guild",
        "data/README.md", "data/mnist_softmax.py");
    Map<String, String> entries = PackageFolders.entries(archive);
    assertThat(entries.get("data/mnist_softmax.py")).contains("fashion_mnist.load_data()");
    assertThat(entries.get("data/Guild")).isEqualTo(
        Files.readString(EXAMPLE.resolve("Guild.in"), StandardCharsets.UTF_8));
    JsonNode manifest = new ObjectMapper().readTree(entries.get(PackageFormat.MANIFEST));
    assertThat(manifest.get("name").asText()).isEqualTo("mnist-tutorial-src");
    assertThat(manifest.get("type").asText()).isEqualTo("source");
    assertThat(manifest.get("requires").get(0).asText()).isEqualTo("fashion-mnist >= 1.0");
    assertThat(manifest.get("references").get("github").asText()).startsWith("https://github.com/");
    assertThat(manifest.has("buildDate")).isFalse();
    assertThat(manifest.get("packager").asText()).isEqualTo("packager");
    assertThat(manifest.get("sha256sums")).hasSameSizeAs(manifest.get("sources"));
    assertThat(manifest.get("sha256sums").get(0).asText()).matches("[0-9a-f]{64}|SKIP");
    JsonNode files = new ObjectMapper().readTree(entries.get(PackageFormat.FILES)).get("files");
    assertThat(files).extracting(f -> f.get("path").asText())
        .containsExactly("Guild", "README.md", "mnist_softmax.py");
    assertThat(files.get(2).get("sha256").asText())
        .isEqualTo(PackageFolders.sha256(entries.get("data/mnist_softmax.py")));
    // The example folder itself is left as it was.
    assertThat(PackageFolders.listing(EXAMPLE)).containsExactlyInAnyOrder("GuildPkg", "Guild.in",
        "make-upstream.sh", "mnist-tutorial-1.tar.gz", "packager", "tensorflow.patch");
  }

  @Test
  void genChecksumsPrintsTheBlockToPasteAndBuildsNothing() throws IOException {
    CliRun run = guild("package", EXAMPLE.toString(),
        "--gen-checksums", "--output", tmp.resolve("out").toString());
    assertThat(run.status()).as(run.err()).isZero();
    String guildPkg = Files.readString(EXAMPLE.resolve("GuildPkg"));
    List<String> printed = run.out().lines().toList();
    assertThat(printed).hasSize(4);
    assertThat(printed.get(0)).isEqualTo("sha256sums = \\");
    // The two pinned checksums of the example are the ones the command computes.
    assertThat(guildPkg).contains(printed.get(1)).contains(printed.get(2));
    assertThat(printed.get(3).strip())
        .isEqualTo(PackageFolders.sha256(EXAMPLE.resolve("Guild.in")));
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aFailingPrepareExitsOneNamingPrepareAndLeavesNoArchive() {
    Path dir = PackageFolders.write(tmp.resolve("pkg"),
        PackageFolders.header("broken") + "packager = packager\n",
        Map.of("packager", "prepare() { patch -p1 < missing.patch; }\npackage() { :; }\n"));
    CliRun run = guild("package", dir.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("guild: packager function 'prepare' failed with exit status 1 in "
        + dir.resolve("packager"));
    assertThat(run.out()).isEmpty();
    assertThat(PackageFolders.listing(dir)).containsExactlyInAnyOrder("GuildPkg", "packager");
  }

  @Test
  void aValidationErrorExitsOneWithFileAndLine() {
    Path dir = PackageFolders.write(tmp.resolve("pkg"),
        "[package]\nname = x\nversion = one\ntype = source\n", Map.of());
    CliRun run = guild("package", dir.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("guild: " + dir.resolve("GuildPkg") + ":3: version: invalid version 'one'");
  }

  @Test
  void sourcesOptionsFindAnUndownloadableSourceAndAreNamedWhenItIsMissing() throws IOException {
    // A URL nobody answers: a loopback port that was just free.
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/models/weights.bin";
    Path dir = PackageFolders.write(tmp.resolve("pkg"), PackageFolders.header("weights")
        + "source = " + url + "\nsha256sums = " + PackageFolders.sha256("w") + "\n", Map.of());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path fixtures = Files.createDirectories(tmp.resolve("fixtures"));
    Files.writeString(fixtures.resolve("weights.bin"), "w");

    CliRun missing = guild("package", dir.toString(), "--sources", empty.toString());
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err().strip().lines()).last().asString()
        .startsWith("guild: " + dir.resolve("GuildPkg") + ":5: source " + url
            + " cannot be downloaded (cannot connect to 127.0.0.1:" + port + ") and")
        .contains("weights.bin is not on the source search path " + empty);

    CliRun found = guild("package", dir.toString(), "--sources", empty.toString(),
        "--sources", fixtures.toString(), "--output", tmp.resolve("out").toString());
    assertThat(found.status()).as(found.err()).isZero();
    assertThat(found.err()).contains("-> Found weights.bin in " + fixtures);
    assertThat(PackageFolders.entries(Path.of(found.lastLine())))
        .containsEntry("data/weights.bin", "w");

    CliRun notAFolder = guild("package", dir.toString(), "--sources", tmp.resolve("no").toString());
    assertThat(notAFolder.status()).isEqualTo(1);
    assertThat(notAFolder.err()).contains("guild: source search path: " + tmp.resolve("no")
        + " is not a folder");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    CliRun run = guild("package", "--no-such-flag");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--no-such-flag");
  }

  private static List<String> tarList(Path archive) throws Exception {
    Process p = new ProcessBuilder("tar", "--zstd", "-tf", archive.toString())
        .redirectErrorStream(true).start();
    String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(listing).isZero();
    return listing.lines().toList();
  }
}
