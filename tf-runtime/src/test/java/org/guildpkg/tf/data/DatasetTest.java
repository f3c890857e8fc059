package org.guildpkg.tf.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.guildpkg.GuildException;
import org.guildpkg.GuildPackage;
import org.guildpkg.archive.Manifest;
import org.guildpkg.spec.PackageName;
import org.guildpkg.spec.PackageType;
import org.guildpkg.spec.Version;
import org.guildpkg.tf.testsupport.FashionMnistFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.Example;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** The Dataset view over the real Fashion-MNIST test split, converted by {@link IdxConverter}. */
class DatasetTest {
  static final List<String> CLASSES = List.of(
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  @TempDir static Path shared;
  static Path folder;

  @TempDir Path dir;

  @BeforeAll
  static void convertTheRealTestSplit() throws IOException {
    folder = shared.resolve("fashion-mnist");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("dataset.json"),
        "{\"classes\": " + DatasetInspector.JSON.writeValueAsString(CLASSES) + "}");
    IdxConverter.Result r = IdxConverter.convert(
        FashionMnistFiles.TEST_IMAGES, FashionMnistFiles.TEST_LABELS, folder, "test", 3, TFRecordCompression.NONE);
    assertThat(r.examples()).isEqualTo(10_000);
    assertThat(r.files()).extracting(p -> p.getFileName().toString())
        .containsExactly("test-00000-of-00003.tfrecord", "test-00001-of-00003.tfrecord", "test-00002-of-00003.tfrecord");
  }

  static byte[] idxBytes(Path gz, int skip, int len) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      in.skipNBytes(skip);
      return in.readNBytes(len);
    }
  }

  @Test
  void aFolderOfConvertedShardsDescribesItsSplitFeaturesAndClasses() {
    Dataset data = Dataset.open(folder);
    assertThat(data.classes()).isEqualTo(CLASSES);
    assertThat(data.splits()).containsOnlyKeys("test");
    assertThat(data.split("test").size()).isEqualTo(10_000);
    assertThat(data.split("test").compression()).isEqualTo(TFRecordCompression.NONE);
    assertThat(data.features()).containsOnlyKeys("image", "label");
    assertThat(data.features().get("image"))
        .isEqualTo(new FeatureSpec("image", FeatureType.UINT8, List.of(28L, 28L), "raw"));
    assertThat(data.features().get("label"))
        .isEqualTo(new FeatureSpec("label", FeatureType.INT64, List.of(), "raw"));
  }

  @Test
  void anUnknownSplitIsAnErrorNamingTheSplitsThatExist() {
    assertThatThrownBy(() -> Dataset.open(folder).split("validation"))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("no split 'validation'; its splits: test");
  }

  @Test
  void wholeSplitArraysHoldTheIdxPixelsAndABalancedLabelHistogram() throws IOException {
    SplitArrays a = Dataset.open(folder).split("test").toArrays();
    assertThat(a.size()).isEqualTo(10_000);
    byte[] idx = idxBytes(FashionMnistFiles.TEST_IMAGES, 16, 784 * 2);
    assertThat(a.uint8("image")[0]).isEqualTo(Arrays.copyOfRange(idx, 0, 784));
    assertThat(a.uint8("image")[1]).isEqualTo(Arrays.copyOfRange(idx, 784, 1568));
    long[] labels = a.int64Scalars("label");
    byte[] idxLabels = idxBytes(FashionMnistFiles.TEST_LABELS, 8, 10_000);
    for (int i = 0; i < labels.length; i++) {
      assertThat(labels[i]).isEqualTo(idxLabels[i]);
    }
    long[] histogram = new long[10];
    for (long l : labels) {
      histogram[(int) l]++;
    }
    assertThat(histogram).containsOnly(1000L);
  }

  @Test
  void examplesIterateInFileOrder() {
    try (ExampleIterator it = Dataset.open(folder).split("test").examples()) {
      int n = 0;
      while (it.hasNext()) {
        Example e = it.next();
        assertThat(Examples.bytes(e, "image").get(0)).hasSize(784);
        n++;
      }
      assertThat(n).isEqualTo(10_000);
    }
  }

  @Test
  void batchesAreTensorsOfTheFeatureSpecAndKeepTheLastPartialBatch() {
    long[] labels = Dataset.open(folder).split("test").toArrays().int64Scalars("label");
    List<Integer> sizes = new ArrayList<>();
    int seen = 0;
    try (BatchIterator it = Dataset.open(folder).split("test").batches(128).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          sizes.add(b.size());
          TUint8 images = b.uint8("image");
          TInt64 l = b.int64("label");
          assertThat(images.shape()).isEqualTo(Shape.of(b.size(), 28, 28));
          assertThat(l.shape()).isEqualTo(Shape.of(b.size()));
          for (int i = 0; i < b.size(); i++) {
            assertThat(l.getLong(i)).isEqualTo(labels[seen + i]);
          }
          seen += b.size();
        }
      }
    }
    assertThat(sizes).hasSize(79);
    assertThat(sizes.get(78)).isEqualTo(10_000 - 78 * 128);
    assertThat(seen).isEqualTo(10_000);
  }

  @Test
  void dropRemainderDropsTheLastPartialBatch() {
    int n = 0;
    try (BatchIterator it = Dataset.open(folder).split("test").batches(128).dropRemainder().prefetch(0).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          assertThat(b.size()).isEqualTo(128);
          n++;
        }
      }
    }
    assertThat(n).isEqualTo(78);
  }

  static List<Long> labelOrder(Batches batches) {
    List<Long> out = new ArrayList<>();
    try (BatchIterator it = batches.iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          for (int i = 0; i < b.size(); i++) {
            out.add(b.int64("label").getLong(i));
          }
        }
      }
    }
    return out;
  }

  @Test
  void aSeededShuffleIsRepeatableAndAPermutation() {
    Split test = Dataset.open(folder).split("test");
    List<Long> plain = labelOrder(test.batches(100).features("label"));
    List<Long> a = labelOrder(test.batches(100).features("label").shuffle(1000, 7));
    List<Long> b = labelOrder(test.batches(100).features("label").shuffle(1000, 7));
    List<Long> c = labelOrder(test.batches(100).features("label").shuffle(1000, 8));
    assertThat(a).isEqualTo(b).isNotEqualTo(plain).isNotEqualTo(c);
    assertThat(a).containsExactlyInAnyOrderElementsOf(plain);
  }

  @Test
  void repeatReadsTheSplitSeveralTimes() {
    Split test = Dataset.open(folder).split("test");
    List<Long> twice = labelOrder(test.batches(300).features("label").repeat(2));
    assertThat(twice).hasSize(20_000);
    assertThat(twice.subList(10_000, 20_000)).isEqualTo(twice.subList(0, 10_000));
  }

  @Test
  void closingAnEndlessIteratorStopsItsThread() {
    BatchIterator it = Dataset.open(folder).split("test").batches(64).repeat().shuffle(500, 1).prefetch(3).iterator();
    for (int i = 0; i < 200; i++) {
      assertThat(it.hasNext()).isTrue();
      it.next().close();
    }
    assertThat(it.producing()).isTrue();
    it.close();
    assertThat(it.producing()).isFalse();
    assertThat(it.hasNext()).isFalse();
  }

  @Test
  void aCorruptRecordSurfacesFromTheBackgroundThreadNamingTheFile() throws IOException {
    Path copy = dir.resolve("data");
    Files.createDirectories(copy);
    Path shard = copy.resolve("test.tfrecord");
    Files.copy(folder.resolve("test-00001-of-00003.tfrecord"), shard);
    byte[] b = Files.readAllBytes(shard);
    b[b.length / 2] ^= 0x40;
    Dataset data = Dataset.open(folder);
    Files.write(shard, b);
    ObjectNode iface = DatasetInspector.JSON.createObjectNode();
    iface.putObject("splits").set("test",
        new SplitInfo("test", List.of("test.tfrecord"), 3333, TFRecordCompression.NONE).toJson());
    ObjectNode features = iface.putObject("features");
    data.features().forEach((k, v) -> features.set(k, v.toJson()));
    Dataset broken = Dataset.of(new GuildPackage(manifest(iface), copy));
    assertThatThrownBy(() -> labelOrder(broken.split("test").batches(32)))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining(shard.toString())
        .hasMessageContaining("CRC mismatch");
  }

  static Manifest manifest(ObjectNode iface) {
    return new Manifest(PackageName.of("fashion-mnist"), Version.parse("1.0"), PackageType.DATASET,
        "Fashion-MNIST", List.of(), "MIT", List.of(), List.of(), null, Optional.empty(), iface);
  }

  @Test
  void guildPackageAsDatasetOpensTheViewThroughServiceLoader() {
    ObjectNode iface = DatasetInspector.describe(folder, DatasetInspector.JSON.createObjectNode());
    Dataset data = new GuildPackage(manifest(iface), folder).as(Dataset.class);
    assertThat(data.split("test").size()).isEqualTo(10_000);
    assertThat(data.classes()).hasSize(10);
  }

  @Test
  void theInspectorFillsSplitsAndFeaturesButKeepsWhatTheManifestSet() {
    ObjectNode iface = DatasetInspector.JSON.createObjectNode();
    iface.putArray("classes").add("only-mine");
    iface.putObject("features").putObject("image").put("encoding", "raw").putArray("shape").add(784);
    for (var i : org.guildpkg.spi.PackageInspector.all()) {
      i.inspect(manifest(DatasetInspector.JSON.createObjectNode()), folder, iface);
    }
    assertThat(iface.get("classes")).hasSize(1);
    assertThat(iface.at("/features/image/shape").toString()).isEqualTo("[784]");
    assertThat(iface.at("/features/image/dtype").asText()).isEqualTo("uint8");
    assertThat(iface.at("/features/label/dtype").asText()).isEqualTo("int64");
    assertThat(iface.at("/splits/test/examples").asLong()).isEqualTo(10_000);
    assertThat(iface.at("/splits/test/files")).hasSize(3);
    assertThat(iface.at("/splits/test/compression").asText()).isEqualTo("none");
  }

  @Test
  void aHintThatDisagreesWithTheRecordsIsAnErrorNamingTheFeature() throws IOException {
    Path d = dir.resolve("bad");
    Files.createDirectories(d);
    try (TFRecordWriter w = TFRecordWriter.create(d.resolve("train.tfrecord"))) {
      w.write(Examples.builder().bytes("image", new byte[700]).int64("label", 1).build().toByteArray());
    }
    Files.writeString(d.resolve("dataset.json"), "{\"features\": {\"image\": {\"dtype\": \"uint8\", \"shape\": [28, 28]}}}");
    assertThatThrownBy(() -> Dataset.open(d))
        .hasMessageContaining("feature 'image' (uint8 [28, 28]) needs a bytes_list of one value of 784 bytes, the Example has a bytes_list of one value of 700 bytes");
  }

  @Test
  void everyDtypeBatchesIntoItsTensorType() throws IOException {
    Path d = dir.resolve("all");
    Files.createDirectories(d);
    try (TFRecordWriter w = TFRecordWriter.create(d.resolve("train.tfrecord.gz"), TFRecordCompression.GZIP)) {
      for (int i = 0; i < 5; i++) {
        w.write(Examples.builder()
            .bytes("pixels", new byte[] {(byte) i, (byte) (200 + i)})
            .int64("ids", i, -i)
            .float32("x", i * 0.5f)
            .strings("name", "n" + i)
            .build().toByteArray());
      }
    }
    Files.writeString(d.resolve("dataset.json"), "{\"features\": {\"pixels\": {\"dtype\": \"uint8\", \"shape\": [2]}}}");
    Dataset data = Dataset.open(d);
    assertThat(data.split("train").compression()).isEqualTo(TFRecordCompression.GZIP);
    assertThat(data.features().get("ids").shape()).containsExactly(2L);
    assertThat(data.features().get("name").dtype()).isEqualTo(FeatureType.STRING);
    try (BatchIterator it = data.split("train").batches(4).iterator()) {
      try (Batch b = it.next()) {
        assertThat(b.uint8("pixels").shape()).isEqualTo(Shape.of(4, 2));
        assertThat(b.uint8("pixels").getByte(3, 1)).isEqualTo((byte) 203);
        assertThat(b.int64("ids").getLong(2, 1)).isEqualTo(-2L);
        TFloat32 x = b.float32("x");
        assertThat(x.shape()).isEqualTo(Shape.of(4));
        assertThat(x.getFloat(3)).isEqualTo(1.5f);
        TString name = b.string("name");
        assertThat(name.getObject(1)).isEqualTo("n1");
        assertThatThrownBy(() -> b.float32("ids")).hasMessageContaining("not TFloat32");
      }
      try (Batch b = it.next()) {
        assertThat(b.size()).isEqualTo(1);
        assertThat(b.string("name").getObject(0)).isEqualTo("n4");
      }
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void theConverterRejectsALabelFileAsImagesNamingIt() {
    assertThatThrownBy(() -> IdxConverter.convert(FashionMnistFiles.TEST_LABELS, FashionMnistFiles.TEST_LABELS,
            dir, "test", 1, TFRecordCompression.NONE))
        .hasMessageContaining(FashionMnistFiles.TEST_LABELS + ": not an IDX file of images")
        .hasMessageContaining("magic 0x00000801, expected 0x00000803");
    assertThat(dir).isEmptyDirectory();
  }
}
