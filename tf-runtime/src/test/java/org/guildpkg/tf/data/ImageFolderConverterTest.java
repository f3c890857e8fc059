package org.guildpkg.tf.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.guildpkg.GuildException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.Example;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/** Image folders to TFRecords, and the Dataset view batching them as pixels or encoded bytes. */
class ImageFolderConverterTest {
  @TempDir Path dir;

  /** The colour of image {@code i} of class {@code c}: distinct per image, so pixels identify it. */
  static Color colour(int c, int i) {
    return new Color(c == 0 ? 200 : 20, 10 * i, c == 0 ? 30 : 220);
  }

  static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  static BufferedImage solid(int w, int h, Color colour) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, colour.getRGB());
      }
    }
    return image;
  }

  /** train/{cat,dog} with 6 images each (PNG and BMP), test/{cat,dog} with 2 each. */
  Path tree() throws Exception {
    Path root = dir.resolve("images");
    String[] classes = {"cat", "dog"};
    for (String split : List.of("train", "test")) {
      int n = split.equals("train") ? 6 : 2;
      for (int c = 0; c < 2; c++) {
        Path folder = Files.createDirectories(root.resolve(split).resolve(classes[c]));
        for (int i = 0; i < n; i++) {
          String format = i % 2 == 0 ? "png" : "bmp";
          Files.write(folder.resolve(i + "." + format), encode(solid(5, 4, colour(c, i)), format));
        }
      }
    }
    Files.writeString(root.resolve("README.md"), "not an image, and not in a class folder");
    return root;
  }

  @Test
  void splitFoldersBecomeSplitsAndTheDatasetBatchesDecodedPixels() throws Exception {
    Path root = tree();
    Files.writeString(root.resolve("train/cat/notes.txt"), "hello");
    Files.write(root.resolve("train/dog/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3});
    Path out = dir.resolve("out");

    ImageFolderConverter.Result r = ImageFolderConverter.convert(root, out,
        new ImageFolderConverter.Options("train", 2, Optional.empty(), 3, false, 7, TFRecordCompression.NONE));

    assertThat(r.classes()).containsExactly("cat", "dog");
    assertThat(r.splits()).extracting(ImageFolderConverter.SplitResult::name).containsExactly("test", "train");
    assertThat(r.splits()).extracting(ImageFolderConverter.SplitResult::examples).containsExactly(4L, 12L);
    assertThat(r.skipped()).extracting(s -> s.file().getFileName().toString()).containsExactly("notes.txt", "broken.jpg");
    assertThat(r.skipped().get(0).reason()).isEqualTo("not a JPEG, PNG or BMP image");
    assertThat(r.skipped().get(1).reason()).startsWith("damaged JPEG image");
    assertThat(out.resolve("train-00001-of-00002.tfrecord")).exists();

    Dataset data = Dataset.open(out);
    assertThat(data.classes()).containsExactly("cat", "dog");
    assertThat(data.features().get("image")).isEqualTo(
        new FeatureSpec("image", FeatureType.UINT8, List.of(4L, 5L, 3L), FeatureSpec.IMAGE));
    assertThat(data.split("train").size()).isEqualTo(12);

    // Every image comes back with its own colour in every pixel, and its class as its label.
    List<String> seen = new ArrayList<>();
    List<Long> labelOrder = new ArrayList<>();
    try (BatchIterator it = data.split("train").batches(5).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          TUint8 images = b.uint8("image");
          assertThat(images.shape().asArray()).containsExactly(b.size(), 4, 5, 3);
          for (int k = 0; k < b.size(); k++) {
            long label = b.int64("label").getLong(k);
            labelOrder.add(label);
            int r0 = images.getByte(k, 0, 0, 0) & 0xff;
            int g0 = images.getByte(k, 0, 0, 1) & 0xff;
            int i = g0 / 10;
            Color want = colour((int) label, i);
            assertThat(r0).isEqualTo(want.getRed());
            assertThat(images.getByte(k, 3, 4, 2) & 0xff).isEqualTo(want.getBlue());
            seen.add(label + "/" + i);
          }
        }
      }
    }
    assertThat(seen).hasSize(12).doesNotHaveDuplicates();
    // Written in a seeded random order, not class by class.
    assertThat(labelOrder.subList(0, 6)).contains(0L, 1L);
  }

  @Test
  void encodedImagesPassTheOriginalBytesOnAsStrings() throws Exception {
    Path root = tree();
    Path out = dir.resolve("out");
    ImageFolderConverter.convert(root, out, ImageFolderConverter.Options.defaults());
    Map<String, byte[]> files = new HashMap<>();
    try (Stream<Path> s = Files.walk(root.resolve("test"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1), Files.readAllBytes(p));
      }
    }
    try (BatchIterator it = Dataset.open(out).split("test").batches(4).encodedImages().iterator();
        Batch b = it.next()) {
      TString images = b.string("image");
      assertThat(images.shape().asArray()).containsExactly(4);
      for (int k = 0; k < 4; k++) {
        byte[] got = images.asBytes().getObject(k);
        assertThat(files).containsKey(new String(got, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  void tensorFlowReadsTheRecordsAndDecodesTheSamePixels() throws Exception {
    Path root = tree();
    Path out = dir.resolve("out");
    ImageFolderConverter.Result r = ImageFolderConverter.convert(root, out, ImageFolderConverter.Options.defaults());
    List<byte[]> records = TensorFlowRecordCompatibilityTest.readWithTensorFlow(
        r.splits().get(1).files(), TFRecordCompression.NONE);
    assertThat(records).hasSize(12);
    try (BatchIterator it = Dataset.open(out).split("train").batches(12).iterator(); Batch b = it.next();
        Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var bytes = tf.withName("bytes").placeholder(TString.class);
      var decoded = tf.withName("decoded").image.decodeImage(bytes, TUint8.class, org.tensorflow.op.image.DecodeImage.channels(3L));
      for (int k = 0; k < 12; k++) {
        Example e = Example.parseFrom(records.get(k));
        byte[] encoded = e.getFeatures().getFeatureMap().get("image").getBytesList().getValue(0).toByteArray();
        try (TString t = TString.tensorOfBytes(org.tensorflow.ndarray.NdArrays.scalarOfObject(encoded));
            Result res = s.runner().feed(bytes, t).fetch(decoded).run()) {
          TUint8 px = (TUint8) res.get(0);
          assertThat(px.shape().asArray()).containsExactly(4, 5, 3);
          for (int c = 0; c < 3; c++) {
            assertThat(px.getByte(2, 3, c)).isEqualTo(b.uint8("image").getByte(k, 2, 3, c));
          }
        }
      }
    }
  }

  @Test
  void imagesOfAnotherSizeAreAnErrorUnlessResizedAndLeaveNothingBehind() throws Exception {
    Path root = tree();
    Files.write(root.resolve("train/dog/big.png"), encode(solid(8, 8, Color.GREEN), "png"));
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> ImageFolderConverter.convert(root, out, ImageFolderConverter.Options.defaults()))
        .isInstanceOf(GuildException.class)
        .hasMessageContaining("big.png is 8x8 but the other images are 5x4; pass --resize");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.toList()).isEmpty();
    }

    ImageFolderConverter.Result r = ImageFolderConverter.convert(root, out,
        new ImageFolderConverter.Options("train", 1, Optional.of(new int[] {6, 6}), 3, false, 0, TFRecordCompression.NONE));
    assertThat(r.width()).isEqualTo(6);
    try (BatchIterator it = Dataset.open(out).split("train").batches(13).iterator(); Batch b = it.next()) {
      assertThat(b.uint8("image").shape().asArray()).containsExactly(13, 6, 6, 3);
    }
  }

  @Test
  void decodedStorageHoldsTheSamePixelsAsEncodedStorage() throws Exception {
    Path root = tree();
    Path enc = dir.resolve("enc");
    Path dec = dir.resolve("dec");
    ImageFolderConverter.convert(root, enc, ImageFolderConverter.Options.defaults());
    ImageFolderConverter.convert(root, dec,
        new ImageFolderConverter.Options("train", 1, Optional.empty(), 1, true, 0, TFRecordCompression.GZIP));
    JsonNode feature = DatasetInspector.JSON.readTree(dec.resolve("dataset.json").toFile()).at("/features/image");
    assertThat(feature.get("encoding").asText()).isEqualTo("raw");
    assertThat(feature.get("shape").toString()).isEqualTo("[4,5,1]");
    try (BatchIterator a = Dataset.open(enc).split("test").batches(4).iterator(); Batch x = a.next();
        BatchIterator b = Dataset.open(dec).split("test").batches(4).iterator(); Batch y = b.next()) {
      for (int k = 0; k < 4; k++) {
        int r = x.uint8("image").getByte(k, 1, 1, 0) & 0xff;
        int g = x.uint8("image").getByte(k, 1, 1, 1) & 0xff;
        int bl = x.uint8("image").getByte(k, 1, 1, 2) & 0xff;
        assertThat(y.uint8("image").getByte(k, 1, 1, 0) & 0xff)
            .isEqualTo((int) Math.round(0.299 * r + 0.587 * g + 0.114 * bl));
      }
    }
  }

  @Test
  void aFolderWithoutClassFoldersIsOneLineNamingIt() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> ImageFolderConverter.convert(empty, dir.resolve("out"), ImageFolderConverter.Options.defaults()))
        .hasMessage(empty + " has no class folders; put each class's images in a folder named after it");
  }
}
