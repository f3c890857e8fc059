package org.guildpkg.tf.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.guildpkg.GuildException;

/**
 * Converts a folder of images, one sub-folder per class, into sharded TFRecords of Examples with
 * {@code image} (the encoded image, or its decoded {@code uint8} pixels) and {@code label}
 * ({@code int64}, the class's index), and records the features and class names in the output's
 * {@code dataset.json}: the converter behind {@code guild tfrecord from-images}.
 *
 * <p>Two layouts are read: {@code DIR/CLASS/IMAGE} (one split, named by {@link Options#split()}),
 * and {@code DIR/SPLIT/CLASS/IMAGE} (for example {@code train/} and {@code test/}), chosen by
 * whether {@code DIR}'s sub-folders hold images or folders. Classes are the sorted union of the
 * class folder names; label {@code i} is the {@code i}-th. Files whose first bytes are not a JPEG,
 * PNG or BMP image, and images that do not decode, are left out and listed with the reason in
 * {@link Result#skipped()}; files directly in {@code DIR} (a README) are ignored.
 *
 * <p>Images are kept encoded, byte for byte, by default (as TensorFlow Datasets keeps them: a
 * tenth of the size of the pixels for CIFAR-10's JPEGs, and a model that takes {@code
 * image_bytes} decodes them exactly as it decodes what it serves); {@link Options#decode()} stores
 * pixels instead. Every image must have the size of the first one unless {@link Options#resize()}
 * is given: images of another size are then resized as a whole (bilinear) and, when kept encoded,
 * stored as PNG. Examples are written in a seeded random order, so that a shuffle buffer smaller
 * than a split still mixes the classes. Shards appear all at once, so a failure leaves the output
 * folder as it was.
 */
public final class ImageFolderConverter {
  private ImageFolderConverter() {}

  /**
   * How to convert.
   *
   * @param split the split's name when {@code DIR} holds class folders directly
   * @param shards files per split (fewer for a split with fewer examples)
   * @param resize width and height to resize every image to; empty: all must be of one size
   * @param channels 3 (RGB) or 1 (grayscale)
   * @param decode store decoded pixels instead of the encoded image
   * @param seed seeds the order of the examples
   */
  public record Options(
      String split, int shards, Optional<int[]> resize, int channels, boolean decode, long seed,
      TFRecordCompression compression) {
    /** Checks the options. */
    public Options {
      if (shards < 1) {
        throw new GuildException("--shards must be at least 1, not " + shards);
      }
      ImagePixels.checkChannels(channels);
      resize.ifPresent(r -> {
        if (r.length != 2 || r[0] < 1 || r[1] < 1 || (long) r[0] * r[1] > (1 << 26)) {
          throw new GuildException("--resize needs a positive WIDTHxHEIGHT");
        }
      });
      checkSplitName(split);
    }

    /** Defaults: split {@code train}, 1 shard, no resize, RGB, encoded, seed 0, no compression. */
    public static Options defaults() {
      return new Options("train", 1, Optional.empty(), 3, false, 0, TFRecordCompression.NONE);
    }
  }

  /** A file left out, and why. */
  public record Skipped(Path file, String reason) {}

  /** One split written: its name, shard files and example count. */
  public record SplitResult(String name, List<Path> files, long examples) {
    /** Copies the list. */
    public SplitResult {
      files = List.copyOf(files);
    }
  }

  /** What a conversion wrote. */
  public record Result(
      List<String> classes, List<SplitResult> splits, List<Skipped> skipped, int width, int height,
      int channels, boolean encoded) {
    /** Copies the lists. */
    public Result {
      classes = List.copyOf(classes);
      splits = List.copyOf(splits);
      skipped = List.copyOf(skipped);
    }

    /** Examples written, over every split. */
    public long examples() {
      return splits.stream().mapToLong(SplitResult::examples).sum();
    }
  }

  private record Item(Path file, int label) {}

  /** What one image became: the bytes to store, or why it was left out. */
  private record Converted(byte[] bytes, int width, int height, String skipReason) {}

  /**
   * Converts {@code dir} into TFRecords in {@code outputDir}.
   *
   * @throws GuildException naming the folder or file at fault when {@code dir} has no class
   *     folders, holds no image, or holds images of different sizes without a resize
   */
  public static Result convert(Path dir, Path outputDir, Options options) {
    if (!Files.isDirectory(dir)) {
      throw new GuildException("image folder " + dir + " does not exist");
    }
    List<Path> top = subfolders(dir);
    if (top.isEmpty()) {
      throw new GuildException(dir + " has no class folders; put each class's images in a folder named after it");
    }
    boolean splitLayout = top.stream().allMatch(f -> !subfolders(f).isEmpty() && files(f).isEmpty());
    List<String> splitNames = new ArrayList<>();
    List<List<Path>> splitClassFolders = new ArrayList<>();
    if (splitLayout) {
      for (Path s : top) {
        checkSplitName(s.getFileName().toString());
        splitNames.add(s.getFileName().toString());
        splitClassFolders.add(subfolders(s));
      }
    } else {
      splitNames.add(options.split());
      splitClassFolders.add(top);
    }
    TreeSet<String> classSet = new TreeSet<>();
    splitClassFolders.forEach(l -> l.forEach(f -> classSet.add(f.getFileName().toString())));
    List<String> classes = List.copyOf(classSet);

    List<Skipped> skipped = Collections.synchronizedList(new ArrayList<>());
    List<SplitResult> results = new ArrayList<>();
    List<Path> temps = new ArrayList<>();
    List<Path> finals = new ArrayList<>();
    int[] size = options.resize().map(int[]::clone).orElse(null);
    try {
      Files.createDirectories(outputDir);
      for (int s = 0; s < splitNames.size(); s++) {
        List<Item> items = new ArrayList<>();
        for (Path classFolder : splitClassFolders.get(s)) {
          int label = classes.indexOf(classFolder.getFileName().toString());
          for (Path f : files(classFolder)) {
            items.add(new Item(f, label));
          }
        }
        Collections.shuffle(items, new Random(options.seed() + s));
        Converted[] converted = new Converted[items.size()];
        // Decoding dominates: do it on every core, then write in the seeded order.
        IntStream.range(0, items.size()).parallel()
            .forEach(i -> converted[i] = convertOne(items.get(i).file(), options));
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          Converted c = converted[i];
          if (c.skipReason() != null) {
            skipped.add(new Skipped(items.get(i).file(), c.skipReason()));
            continue;
          }
          if (size == null) {
            size = new int[] {c.width(), c.height()};
          } else if (options.resize().isEmpty() && (c.width() != size[0] || c.height() != size[1])) {
            throw new GuildException(
                items.get(i).file() + " is " + c.width() + "x" + c.height() + " but the other images are "
                    + size[0] + "x" + size[1] + "; pass --resize WIDTHxHEIGHT to resize them all");
          }
          kept.add(i);
        }
        String name = splitNames.get(s);
        if (kept.isEmpty()) {
          throw new GuildException("split '" + name + "' in " + dir + " holds no readable image");
        }
        int shards = Math.min(options.shards(), kept.size());
        List<Path> splitFiles = new ArrayList<>();
        int done = 0;
        for (int k = 0; k < shards; k++) {
          String file = String.format("%s-%05d-of-%05d%s", name, k, shards, suffix(options.compression()));
          Path tmp = outputDir.resolve("." + file + ".tmp");
          temps.add(tmp);
          finals.add(outputDir.resolve(file));
          splitFiles.add(outputDir.resolve(file));
          int end = (int) ((long) kept.size() * (k + 1) / shards);
          try (TFRecordWriter w = TFRecordWriter.create(tmp, options.compression())) {
            for (; done < end; done++) {
              int i = kept.get(done);
              w.write(Examples.builder().bytes("image", converted[i].bytes())
                  .int64("label", items.get(i).label()).build().toByteArray());
            }
          }
        }
        results.add(new SplitResult(name, splitFiles, kept.size()));
      }
      for (int i = 0; i < temps.size(); i++) {
        Files.move(temps.get(i), finals.get(i), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      recordInterface(outputDir, classes, size, options);
    } catch (IOException e) {
      throw new GuildException("cannot convert " + dir + " into " + outputDir + ": " + GuildException.reason(e), e);
    } finally {
      for (Path t : temps) {
        try {
          Files.deleteIfExists(t);
        } catch (IOException ignored) {
          // best effort: a leftover temporary file starts with '.' and is not read as a shard
        }
      }
    }
    skipped.sort((a, b) -> a.file().compareTo(b.file()));
    return new Result(classes, results, skipped, size[0], size[1], options.channels(), !options.decode());
  }

  private static Converted convertOne(Path file, Options options) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return new Converted(null, 0, 0, "cannot read: " + GuildException.reason(e));
    }
    BufferedImage image;
    try {
      image = ImagePixels.decode(bytes);
    } catch (GuildException e) {
      return new Converted(null, 0, 0, e.getMessage());
    }
    int w = image.getWidth();
    int h = image.getHeight();
    if (options.resize().isPresent()) {
      int[] r = options.resize().get();
      if (w != r[0] || h != r[1]) {
        image = ImagePixels.resize(image, r[0], r[1]);
        w = r[0];
        h = r[1];
        bytes = options.decode() ? null : ImagePixels.png(image);
      }
    }
    if (options.decode()) {
      bytes = ImagePixels.pixels(image, options.channels());
    }
    return new Converted(bytes, w, h, null);
  }

  private static void recordInterface(Path outputDir, List<String> classes, int[] size, Options options)
      throws IOException {
    Path hints = outputDir.resolve(DatasetInspector.HINTS_FILE);
    ObjectNode data = Files.isRegularFile(hints)
        ? (ObjectNode) DatasetInspector.JSON.readTree(hints.toFile())
        : DatasetInspector.JSON.createObjectNode();
    ObjectNode add = DatasetInspector.JSON.createObjectNode();
    classes.forEach(add.putArray("classes")::add);
    ObjectNode features = add.putObject("features");
    features.set("image", new FeatureSpec("image", FeatureType.UINT8,
        List.of((long) size[1], (long) size[0], (long) options.channels()),
        options.decode() ? FeatureSpec.RAW : FeatureSpec.IMAGE).toJson());
    features.set("label", new FeatureSpec("label", FeatureType.INT64, List.of(), FeatureSpec.RAW).toJson());
    DatasetInspector.mergeMissing(data, add);
    Path tmp = outputDir.resolve("." + DatasetInspector.HINTS_FILE + ".tmp");
    DatasetInspector.JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), data);
    Files.move(tmp, hints, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String suffix(TFRecordCompression compression) {
    return ".tfrecord" + switch (compression) {
      case NONE -> "";
      case GZIP -> ".gz";
      case ZLIB -> ".zlib";
    };
  }

  private static void checkSplitName(String name) {
    if (name.isEmpty() || name.contains("/") || name.startsWith(".") || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new GuildException(
          "split name '" + name + "' must be letters, digits, '.', '_' or '-', such as 'train'");
    }
  }

  private static List<Path> subfolders(Path dir) {
    return list(dir).filter(Files::isDirectory).toList();
  }

  private static List<Path> files(Path dir) {
    return list(dir).filter(Files::isRegularFile).toList();
  }

  private static Stream<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList().stream();
    } catch (IOException e) {
      throw new GuildException("cannot list " + dir + ": " + GuildException.reason(e), e);
    }
  }
}
