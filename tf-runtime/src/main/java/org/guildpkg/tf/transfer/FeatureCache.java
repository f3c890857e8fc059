package org.guildpkg.tf.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.train.DatasetExamples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image features ("bottlenecks" in TensorFlow's image-retraining tutorial) of one dataset
 * split as computed by one parent model, kept on disk so that a second run with other flags
 * trains its head without running the parent again.
 *
 * <p>A split's cache is keyed by the parent model's digest, the dataset's digest and the split
 * ({@code FOLDER/PARENT-VERSION-DIGEST/DATASET-VERSION-DIGEST/SPLIT/part-NNNNN.features}, {@value
 * #PART} images a part, in the split's order); each part is written next to its final name and
 * renamed into place when complete, so a killed extraction leaves no file that would be read as
 * complete, and the next run computes only the parts that are missing. Format of a part: {@code GUILDFC1}, int32 dimension, int64 count,
 * the labels (int64 each), then the features (float32, row by row), little-endian.
 */
public final class FeatureCache {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
  private static final byte[] MAGIC = "GUILDFC1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 8 + 4 + 8;
  private static final int BATCH = 32;
  /** Images per cache file; a multiple of the extraction's batch size. */
  static final int PART = 2048;

  private final Path folder;

  /**
   * A cache rooted at {@code folder} (the Guild home's {@code cache/features}).
   */
  public FeatureCache(Path folder) {
    this.folder = folder.toAbsolutePath().normalize();
  }

  /** The cache's folder. */
  public Path folder() {
    return folder;
  }

  /**
   * One split's features in memory.
   *
   * @param dim the features' width
   * @param values {@code count * dim} values, row by row
   * @param labels each image's class index
   * @param folder the cache folder of the split they were read from or written to
   * @param extracted how many of them this call computed (0 when all came from the cache)
   */
  public record Features(int dim, float[] values, long[] labels, Path folder, int extracted) {
    /** How many images. */
    public int count() {
      return labels.length;
    }
  }

  /** Told how the extraction of a split goes: after each batch. */
  @FunctionalInterface
  public interface Progress {
    /**
     * After a batch.
     *
     * @param split the split being extracted
     * @param done images done so far (those read from the cache included)
     * @param total images wanted from the split
     * @param imagesPerSecond the rate of the images computed since the start
     */
    void onBatch(String split, long done, long total, double imagesPerSecond);
  }

  /** The cache folder of {@code split} for this parent and dataset; it holds the split's parts. */
  public Path folder(String parentKey, String datasetKey, String split) {
    return folder.resolve(parentKey).resolve(datasetKey).resolve(split);
  }

  /** The cache file of part {@code index} (images {@code index * PART} on) of a split's folder. */
  static Path part(Path splitFolder, int index) {
    return splitFolder.resolve(String.format("part-%05d.features", index));
  }

  /**
   * The features of the split's first {@code limit} images (all when {@code limit} is 0 or more
   * than the split holds), read from the cache where it has them, else computed with {@code
   * parent} and cached: in parts of {@value #PART} images, each written whole, so an extraction
   * that was stopped goes on from its last whole part.
   *
   * @param parentKey names the parent model and its digest (see {@link #key})
   * @param datasetKey names the dataset and its digest
   */
  public Features get(
      String parentKey, String datasetKey, Split split, long limit, FeatureExtractor parent, Progress progress) {
    return get(parentKey, datasetKey, split, limit, false, parent, progress);
  }

  /**
   * As {@link #get(String, String, Split, long, FeatureExtractor, Progress)}, of the images or of
   * their mirror images (cached apart, in the folder {@code SPLIT-mirrored}).
   */
  public Features get(
      String parentKey, String datasetKey, Split split, long limit, boolean mirrored, FeatureExtractor parent,
      Progress progress) {
    String image = imageFeature(split);
    String name = split.name() + (mirrored ? "-mirrored" : "");
    long size = split.size();
    long wanted = limit > 0 ? Math.min(limit, size) : size;
    int dim = parent.dim();
    if (wanted > Integer.MAX_VALUE / Math.max(1, dim)) {
      throw new GuildException(split + ": " + wanted + " images are too many to hold in one array");
    }
    int n = (int) wanted;
    int parts = (n + PART - 1) / PART;
    Path dir = folder(parentKey, datasetKey, name);
    float[] values = new float[n * dim];
    long[] labels = new long[n];
    boolean[] cached = new boolean[parts];
    int fromCache = 0;
    for (int k = 0; k < parts; k++) {
      int rows = (int) Math.min(PART, size - (long) k * PART);
      Path f = part(dir, k);
      if (!Files.isRegularFile(f)) {
        continue;
      }
      try {
        Features c = read(f);
        if (c.dim() != dim || c.count() != rows) {
          LOG.warn("cached features {} do not fit ({} x {}, not {} x {}); computing them again", f, c.count(), c.dim(), rows, dim);
          continue;
        }
        int take = Math.min(rows, n - k * PART);
        System.arraycopy(c.values(), 0, values, k * PART * dim, take * dim);
        System.arraycopy(c.labels(), 0, labels, k * PART, take);
        cached[k] = true;
        fromCache += take;
      } catch (GuildException e) {
        LOG.warn("{}; computing them again", e.getMessage());
      }
    }
    if (fromCache == n) {
      LOG.info("using cached features of {} split '{}' ({} images): {}", split.dataset(), name, n, dir);
      return new Features(dim, values, labels, dir, 0);
    }
    LOG.info("computing the features of {} split '{}' ({} images, {} cached)", split.dataset(), name, n, fromCache);
    long start = System.nanoTime();
    int computed = 0;
    int done = 0;
    // Whole parts are computed, so that each part file holds PART images (the split's last fewer).
    long readTo = Math.min(size, (long) parts * PART);
    float[] partValues = new float[PART * dim];
    long[] partLabels = new long[PART];
    try (BatchIterator it = split.batches(BATCH).features(image, DatasetExamples.LABEL).encodedImages().prefetch(2).iterator()) {
      int pos = 0;
      while (pos < readTo && it.hasNext()) {
        try (Batch b = it.next()) {
          int k = pos / PART;
          int size1 = b.size();
          if (!cached[k]) {
            int at = pos - k * PART;
            parent.features(b.string(image), mirrored, partValues, at * dim);
            for (int i = 0; i < size1; i++) {
              partLabels[at + i] = b.int64(DatasetExamples.LABEL).getLong(i);
            }
            computed += size1;
          }
          pos += size1;
          int rows = (int) Math.min(PART, size - (long) k * PART);
          if (pos == k * PART + rows) {
            if (!cached[k]) {
              float[] pv = java.util.Arrays.copyOf(partValues, rows * dim);
              long[] pl = java.util.Arrays.copyOf(partLabels, rows);
              write(part(dir, k), new Features(dim, pv, pl, dir, rows));
              int take = Math.min(rows, n - k * PART);
              System.arraycopy(pv, 0, values, k * PART * dim, take * dim);
              System.arraycopy(pl, 0, labels, k * PART, take);
            }
          } else if (pos > k * PART + rows) {
            throw new GuildException("internal: a batch spans two feature cache parts");
          }
          done = (int) Math.min(n, pos);
          double secs = (System.nanoTime() - start) / 1e9;
          progress.onBatch(name, done, n, computed / Math.max(secs, 1e-9));
        }
      }
      if (pos < readTo) {
        throw new GuildException(split + " holds " + pos + " images, its manifest says " + size);
      }
    }
    return new Features(dim, values, labels, dir, computed);
  }

  /** A cache key part: the name, version and the first 16 hex digits of the digest. */
  public static String key(String name, String version, String digest) {
    return name + "-" + version + "-" + digest.substring(0, Math.min(16, digest.length()));
  }

  /** The name of the split's feature holding encoded images, or a one-line error. */
  static String imageFeature(Split split) {
    List<String> images = split.features().values().stream()
        .filter(FeatureSpec::isEncodedImage).map(FeatureSpec::name).toList();
    if (images.isEmpty()) {
      throw new GuildException(split.dataset() + " has no encoded image feature (features: "
          + split.features().keySet() + "); transfer learning needs a dataset of images, such as one"
          + " made by 'guild tfrecord from-images' (without --decode)");
    }
    if (!split.features().containsKey(DatasetExamples.LABEL)) {
      throw new GuildException(split.dataset() + " has no '" + DatasetExamples.LABEL + "' feature to train on");
    }
    return images.get(0);
  }

  private static void write(Path f, Features x) {
    Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(f.getParent());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putInt(x.dim()).putLong(x.count()).flip();
        writeFully(ch, head);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : x.labels()) {
          if (buf.remaining() < 8) {
            writeFully(ch, buf.flip());
            buf.clear();
          }
          buf.putLong(l);
        }
        for (float v : x.values()) {
          if (buf.remaining() < 4) {
            writeFully(ch, buf.flip());
            buf.clear();
          }
          buf.putFloat(v);
        }
        writeFully(ch, buf.flip());
        ch.force(true);
      }
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      LOG.info("cached {} features of width {} in {}", x.count(), x.dim(), f);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new GuildException("cannot write the feature cache " + f + ": " + e.getMessage(), e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Reads a cache file whole, checking its header and length. */
  static Features read(Path f) {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      ByteBuffer head = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (head.hasRemaining() && ch.read(head) >= 0) {
        // read the header
      }
      head.flip();
      byte[] magic = new byte[MAGIC.length];
      if (head.remaining() < HEADER) {
        throw new GuildException(f + " is not a feature cache file (too short)");
      }
      head.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new GuildException(f + " is not a feature cache file");
      }
      int dim = head.getInt();
      long n = head.getLong();
      if (dim < 1 || n < 0 || n * dim > Integer.MAX_VALUE || ch.size() != HEADER + n * 8 + n * dim * 4) {
        throw new GuildException(f + " is a damaged feature cache file (" + ch.size() + " bytes for " + n + " x " + dim + ")");
      }
      ByteBuffer body = ch.map(FileChannel.MapMode.READ_ONLY, HEADER, ch.size() - HEADER).order(ByteOrder.LITTLE_ENDIAN);
      long[] labels = new long[(int) n];
      body.asLongBuffer().get(labels);
      body.position((int) (n * 8));
      float[] values = new float[(int) (n * dim)];
      body.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      return new Features(dim, values, labels, f.getParent(), 0);
    } catch (IOException e) {
      throw new GuildException("cannot read the feature cache " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * A digest of a package folder: of its {@code .MANIFEST.json} and {@code .FILES.json} (which
   * hold every file's sha256) when it is installed, else of its files' names, sizes and
   * modification times.
   */
  public static String folderDigest(Path dir) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      Path manifest = dir.resolve(".MANIFEST.json");
      Path files = dir.resolve(".FILES.json");
      if (Files.isRegularFile(manifest) && Files.isRegularFile(files)) {
        for (Path p : List.of(manifest, files)) {
          try (InputStream in = Files.newInputStream(p)) {
            md.update(in.readAllBytes());
          }
        }
      } else {
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
            md.update((dir.relativize(p) + "\0" + Files.size(p) + "\0"
                + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new GuildException("cannot read " + dir + " to key its feature cache: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
