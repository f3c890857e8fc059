package org.guildpkg.tf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.guildpkg.cli.GuildCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code guild tfrecord} from-idx, inspect and verify on the real Fashion-MNIST test files. */
class TfRecordCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int guild(String... args) {
    CommandLine cl = GuildCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  void convert() {
    assertThat(guild("tfrecord", "from-idx",
        "--images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
        "--labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "--output", dir.toString(), "--prefix", "test", "--shards", "2", "--compression", "gzip"))
        .as(err.toString()).isZero();
  }

  @Test
  void fromIdxWritesShardsThatVerifyAndInspectReports() throws Exception {
    convert();
    assertThat(out.toString()).contains("10000 examples of 28x28 images in 2 shard(s)");
    Path shard = dir.resolve("test-00001-of-00002.tfrecord.gz");
    assertThat(shard).exists();
    assertThat(guild("tfrecord", "verify", shard.toString())).isZero();
    assertThat(out.toString()).contains(shard + ": 5000 records, gzip, OK");
    out.getBuffer().setLength(0);
    assertThat(guild("tfrecord", "inspect", "--json", shard.toString())).isZero();
    JsonNode o = new ObjectMapper().readTree(out.toString());
    assertThat(o.get("records").asLong()).isEqualTo(5000);
    assertThat(o.get("compression").asText()).isEqualTo("gzip");
    assertThat(o.at("/features/label/dtype").asText()).isEqualTo("int64");
    assertThat(o.at("/features/image/kind").asText()).isEqualTo("bytes_list");
    assertThat(o.at("/features/image/dtype").asText()).isEqualTo("uint8");
    assertThat(o.at("/features/image/shape").toString()).isEqualTo("[28,28]");
    assertThat(o.get("first")).hasSize(3);
  }

  @Test
  void verifyExitsOneNamingTheOffsetOfACorruptRecord() throws Exception {
    convert();
    Path plain = dir.resolve("plain");
    assertThat(guild("tfrecord", "from-idx",
        "--images", "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
        "--labels", "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "--output", plain.toString(), "--prefix", "test")).isZero();
    Path f = plain.resolve("test-00000-of-00001.tfrecord");
    byte[] b = Files.readAllBytes(f);
    long recordSize = b.length / 10_000;
    b[(int) (recordSize * 7 + 100)] ^= 1;
    Files.write(f, b);
    assertThat(guild("tfrecord", "verify", f.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("guild: " + f + ": corrupt record at byte offset " + recordSize * 7);
  }

  @Test
  void aMissingOptionIsAUsageError() {
    assertThat(guild("tfrecord", "from-idx", "--images", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required options");
  }

  @Test
  void fromImagesListsTheFilesItLeavesOutAndSummarises() throws Exception {
    Path images = dir.resolve("images");
    for (String c : new String[] {"bird", "cat"}) {
      Path folder = java.nio.file.Files.createDirectories(images.resolve(c));
      for (int i = 0; i < 3; i++) {
        java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
        im.setRGB(0, 0, i * 1000 + c.length());
        javax.imageio.ImageIO.write(im, "png", folder.resolve(i + ".png").toFile());
      }
    }
    Files.writeString(images.resolve("cat/readme.txt"), "text");
    Path out = dir.resolve("out");
    assertThat(guild("tfrecord", "from-images", images.toString(), "--output", out.toString(), "--split", "test"))
        .as(err.toString()).isZero();
    assertThat(err.toString().trim()).isEqualTo("guild: left out " + images.resolve("cat/readme.txt")
        + ": not a JPEG, PNG or BMP image");
    assertThat(this.out.toString()).contains(out.resolve("test-00000-of-00001.tfrecord").toString())
        .contains("6 examples of 3x2x3 encoded images in 2 classes (test 6); 1 file(s) left out");
    JsonNode hints = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
    assertThat(hints.get("classes").toString()).isEqualTo("[\"bird\",\"cat\"]");

    assertThat(guild("tfrecord", "from-images", images.toString(), "--output", out.toString(), "--resize", "big"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("guild: --resize: 'big' is not WIDTHxHEIGHT, such as 224x224");
  }
}
