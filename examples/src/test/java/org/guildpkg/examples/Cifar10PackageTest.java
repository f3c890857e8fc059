package org.guildpkg.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.guildpkg.GuildPackage;
import org.guildpkg.GuildPackages;
import org.guildpkg.build.PackageBuilder;
import org.guildpkg.cli.GuildCli;
import org.guildpkg.spec.PackageType;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.Dataset;
import org.guildpkg.tf.testing.UpstreamSources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import picocli.CommandLine;

/**
 * The cifar10 example package, built from the upstream CIFAR-10 image tarball found on the source
 * search path (skipped with the reason where it is not), installed, and read through the Dataset
 * view and {@code guild info}; then the inception-v1-src source package trains on it from scratch
 * through the real command line.
 */
class Cifar10PackageTest {
  static final List<String> CLASSES = List.of(
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  @TempDir static Path work;
  static Path home;
  static Path archive;

  @BeforeAll
  static void buildAndInstall() {
    UpstreamSources.require("CIFAR-10-images-d7d0561.tar.gz",
        "cc01296b8d645ea8f05f6d62ef7e0d2fe90b3fa5fec346f69eae72c1a653170f");
    home = work.resolve("home");
    archive = PackageBuilder.forDirectory(
            Path.of(System.getProperty("guild.repoRoot", "..")).resolve("examples/packages/cifar10"))
        .output(work.resolve("out")).home(home).offline(true).sources(UpstreamSources.searchPath())
        .progress(l -> { }).build();
    assertThat(guild("install", archive.toString()).status).as("install").isZero();
  }

  record Run(int status, String out, String err) {}

  static Run guild(String... args) {
    CommandLine cl = GuildCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return new Run(cl.execute(all), out.toString(), err.toString());
  }

  static Dataset dataset() {
    GuildPackage pkg = GuildPackages.at(home).offline(true).load("cifar10");
    assertThat(pkg.manifest().type()).isEqualTo(PackageType.DATASET);
    return pkg.as(Dataset.class);
  }

  @Test
  void guildInfoShowsTheSplitsAndTheTenClassNames() {
    Run info = guild("info", "cifar10");
    assertThat(info.status()).as(info.err()).isZero();
    assertThat(info.out()).contains("train 50000", "test 10000").contains(String.join(", ", CLASSES));
    assertThat(info.out()).contains("not identical with the original");
  }

  @Test
  void everyClassHasFiveThousandTrainingAndOneThousandTestImages() {
    for (String split : List.of("train", "test")) {
      long[] perClass = new long[10];
      try (BatchIterator it = dataset().split(split).batches(2_000).features("label").iterator()) {
        while (it.hasNext()) {
          try (Batch b = it.next()) {
            for (int i = 0; i < b.size(); i++) {
              perClass[(int) b.int64("label").getLong(i)]++;
            }
          }
        }
      }
      assertThat(perClass).as(split).containsOnly(split.equals("train") ? 5_000L : 1_000L);
    }
  }

  @Test
  void imagesDecodeIntoThirtyTwoByThirtyTwoRgbBatches() {
    Dataset data = dataset();
    assertThat(data.classes()).isEqualTo(CLASSES);
    try (BatchIterator it = data.split("test").batches(64).iterator(); Batch b = it.next()) {
      assertThat(b.uint8("image").shape()).isEqualTo(Shape.of(64, 32, 32, 3));
      long sum = 0;
      for (int i = 0; i < 64; i++) {
        sum += b.uint8("image").getByte(i, 16, 16, 0) & 0xff;
      }
      assertThat(sum).as("real photos are not black").isGreaterThan(64 * 20);
    }
    assertThat(data.split("train").files()).hasSize(4).allMatch(Files::isRegularFile);
  }

  @Test
  void inceptionV1SrcLearnsCifar10FromScratchThroughTheCli(@TempDir Path tmp) throws Exception {
    Path project = tmp.resolve("inception");
    String template = Path.of(System.getProperty("guild.repoRoot", "..")).resolve("examples/packages/inception-v1-src")
        .toAbsolutePath().normalize().toString();
    Run init = guild("init", "--template", template, project.toString());
    assertThat(init.status()).as(init.err()).isZero();
    // A small budget: an eighth of GoogLeNet's width, 150 steps of 32 images (4,800 images).
    Run train = guild("train", "-C", project.toString(), "--steps", "150",
        "--flag", "width=0.125", "--flag", "batch_size=32", "--checkpoint-every", "1000");
    assertThat(train.status()).as(train.err()).isZero();
    List<Double> losses = new java.util.ArrayList<>();
    Path events;
    try (var s = Files.list(project.resolve("runs/1"))) {
      events = s.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
    }
    for (byte[] r : org.guildpkg.tf.data.TFRecordReader.readAll(events)) {
      org.tensorflow.proto.Event e = org.tensorflow.proto.Event.parseFrom(r);
      if (e.hasSummary() && e.getSummary().getValue(0).getTag().equals("loss")) {
        losses.add((double) e.getSummary().getValue(0).getSimpleValue());
      }
    }
    assertThat(losses).hasSize(150);
    double first = losses.subList(0, 10).stream().mapToDouble(d -> d).average().orElseThrow();
    double last = losses.subList(130, 150).stream().mapToDouble(d -> d).average().orElseThrow();
    assertThat(first).as("starts near ln 10").isBetween(2.0, 2.6);
    assertThat(last).as("loss falls").isLessThan(first - 0.1);

    Run eval = guild("evaluate", "-C", project.toString(), "--json");
    assertThat(eval.status()).as(eval.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode metrics = new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out());
    assertThat(metrics.get("examples").asLong()).isEqualTo(10_000);
    // Chance is 0.10; over 10,000 images its standard deviation is 0.003.
    assertThat(metrics.get("accuracy").asDouble()).isGreaterThan(0.15);
  }
}
