package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.guildpkg.GuildException;

/**
 * Converts IDX image and label files, as MNIST and Fashion-MNIST ship them (gzip or not), to
 * sharded TFRecords of Examples with {@code image} (rows x cols uint8 bytes, one
 * {@code bytes_list} value) and {@code label} (one {@code int64}).
 *
 * <p>Shards are named {@code PREFIX-00000-of-00004.tfrecord} and hold consecutive examples in the
 * IDX order. They appear all at once (written under temporary names, then renamed), so a failure
 * leaves the output folder as it was. The features are also recorded in the folder's
 * {@code dataset.json} (keys already there are kept), for {@link DatasetInspector}.
 */
public final class IdxConverter {
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  /**
   * What a conversion wrote.
   *
   * @param files the shards, in example order
   */
  public record Result(List<Path> files, long examples, int rows, int cols) {
    /** Copies the file list. */
    public Result {
      files = List.copyOf(files);
    }
  }

  private IdxConverter() {}

  /**
   * Converts one split.
   *
   * @param prefix the split name that starts every shard's name, such as {@code train}
   * @param shards how many files to spread the examples over (at least 1)
   * @throws GuildException naming the IDX file when it is not an IDX file of the right kind, its
   *     counts disagree, or it ends early
   */
  public static Result convert(
      Path images, Path labels, Path outputDir, String prefix, int shards,
      TFRecordCompression compression) {
    if (shards < 1) {
      throw new GuildException("--shards must be at least 1, not " + shards);
    }
    if (prefix.isEmpty() || prefix.contains("/") || prefix.startsWith(".")) {
      throw new GuildException("prefix '" + prefix + "' must be a plain file name start, such as 'train'");
    }
    try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
      int n = header(img, images, IMAGES_MAGIC, "images (unsigned bytes, 3 dimensions)");
      int rows = img.readInt();
      int cols = img.readInt();
      int m = header(lab, labels, LABELS_MAGIC, "labels (unsigned bytes, 1 dimension)");
      if (n != m) {
        throw new GuildException(
            images + " holds " + n + " images but " + labels + " holds " + m + " labels; use files of one split");
      }
      if (rows <= 0 || cols <= 0 || (long) rows * cols > (1 << 26)) {
        throw new GuildException(images + ": implausible image size " + rows + "x" + cols);
      }
      Files.createDirectories(outputDir);
      String suffix = ".tfrecord" + switch (compression) {
        case NONE -> "";
        case GZIP -> ".gz";
        case ZLIB -> ".zlib";
      };
      List<Path> finals = new ArrayList<>();
      List<Path> temps = new ArrayList<>();
      byte[] pixels = new byte[rows * cols];
      try {
        int done = 0;
        for (int s = 0; s < shards; s++) {
          String name = String.format("%s-%05d-of-%05d%s", prefix, s, shards, suffix);
          Path tmp = outputDir.resolve("." + name + ".tmp");
          temps.add(tmp);
          finals.add(outputDir.resolve(name));
          int end = (int) ((long) n * (s + 1) / shards);
          try (TFRecordWriter w = TFRecordWriter.create(tmp, compression)) {
            for (; done < end; done++) {
              readFully(img, pixels, images, done, n);
              int label = lab.read();
              if (label < 0) {
                throw new GuildException(labels + ": ends after " + done + " of " + n + " labels");
              }
              w.write(Examples.builder().bytes("image", pixels).int64("label", label).build().toByteArray());
            }
          }
        }
        for (int s = 0; s < shards; s++) {
          Files.move(temps.get(s), finals.get(s), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
      }
      recordFeatures(outputDir, rows, cols);
      return new Result(finals, n, rows, cols);
    } catch (IOException e) {
      throw new GuildException("cannot convert " + images + " and " + labels + ": " + e, e);
    }
  }

  private static void recordFeatures(Path outputDir, int rows, int cols) throws IOException {
    Path hints = outputDir.resolve(DatasetInspector.HINTS_FILE);
    ObjectNode data = Files.isRegularFile(hints)
        ? (ObjectNode) DatasetInspector.JSON.readTree(hints.toFile())
        : DatasetInspector.JSON.createObjectNode();
    ObjectNode features = DatasetInspector.JSON.createObjectNode();
    features.set("image", new FeatureSpec("image", FeatureType.UINT8, List.of((long) rows, (long) cols), FeatureSpec.RAW).toJson());
    features.set("label", new FeatureSpec("label", FeatureType.INT64, List.of(), FeatureSpec.RAW).toJson());
    ObjectNode add = DatasetInspector.JSON.createObjectNode();
    add.set("features", features);
    DatasetInspector.mergeMissing(data, add);
    Path tmp = outputDir.resolve("." + DatasetInspector.HINTS_FILE + ".tmp");
    DatasetInspector.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), data);
    Files.move(tmp, hints, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new GuildException("IDX file " + file + " does not exist");
    }
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int a = in.read();
    int b = in.read();
    in.reset();
    if (a == 0x1f && b == 0x8b) {
      in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return new DataInputStream(in);
  }

  private static int header(DataInputStream in, Path file, int magic, String what) throws IOException {
    int got;
    int n;
    try {
      got = in.readInt();
      n = in.readInt();
    } catch (EOFException e) {
      throw new GuildException(file + ": too short for an IDX header");
    }
    if (got != magic) {
      throw new GuildException(
          String.format("%s: not an IDX file of %s: magic 0x%08x, expected 0x%08x", file, what, got, magic));
    }
    if (n < 0) {
      throw new GuildException(file + ": negative item count " + n);
    }
    return n;
  }

  private static void readFully(DataInputStream in, byte[] b, Path file, int index, int n) throws IOException {
    try {
      in.readFully(b);
    } catch (EOFException e) {
      throw new GuildException(file + ": ends after " + index + " of " + n + " images; the file is incomplete");
    }
  }
}
