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
 * <p>A cache file is keyed by the parent model's digest, the dataset's digest and the split
 * ({@code FOLDER/PARENT-VERSION-DIGEST/DATASET-VERSION-DIGEST/SPLIT.features}); it is written
 * next to its final name and renamed into place when complete, so a killed extraction leaves no
 * file that would be read as complete. Format: {@code GUILDFC1}, int32 dimension, int64 count,
 * the labels (int64 each), then the features (float32, row by row), little-endian.
 */
public final class FeatureCache {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);
  private static final byte[] MAGIC = "GUILDFC1".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 8 + 4 + 8;
  private static final int BATCH = 32;

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
   * @param file the cache file they were read from or written to
   * @param extracted true when this call computed them, false when they came from the cache
   */
  public record Features(int dim, float[] values, long[] labels, Path file, boolean extracted) {
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
     * @param done images done so far
     * @param total images in the split
     * @param imagesPerSecond the rate since the start
     */
    void onBatch(String split, long done, long total, double imagesPerSecond);
  }

  /** The cache file of {@code split} for this parent and dataset. */
  public Path file(String parentKey, String datasetKey, String split) {
    return folder.resolve(parentKey).resolve(datasetKey).resolve(split + ".features");
  }

  /**
   * Reads the split's features from the cache, or computes them with {@code parent} and writes them
   * to the cache first.
   *
   * @param parentKey names the parent model and its digest (see {@link #key})
   * @param datasetKey names the dataset and its digest
   */
  public Features get(
      String parentKey, String datasetKey, Split split, FeatureExtractor parent, Progress progress) {
    Path f = file(parentKey, datasetKey, split.name());
    if (Files.isRegularFile(f)) {
      try {
        Features cached = read(f);
        if (cached.dim() == parent.dim() && cached.count() == split.size()) {
          LOG.info("using cached features of {} split '{}': {}", split.dataset(), split.name(), f);
          return cached;
        }
        LOG.warn("cached features {} do not fit the split ({} x {}); computing them again", f, cached.count(), cached.dim());
      } catch (GuildException e) {
        LOG.warn("{}; computing them again", e.getMessage());
      }
    }
    Features computed = extract(split, parent, progress, f);
    write(f, computed);
    return computed;
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

  private static Features extract(Split split, FeatureExtractor parent, Progress progress, Path f) {
    String image = imageFeature(split);
    long total = split.size();
    if (total > Integer.MAX_VALUE / Math.max(1, parent.dim())) {
      throw new GuildException(split + ": " + total + " images are too many to cache in one array");
    }
    int n = (int) total;
    int dim = parent.dim();
    float[] values = new float[n * dim];
    long[] labels = new long[n];
    long start = System.nanoTime();
    int done = 0;
    LOG.info("computing the features of {} split '{}' ({} images)", split.dataset(), split.name(), n);
    try (BatchIterator it = split.batches(BATCH).features(image, DatasetExamples.LABEL).encodedImages().iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          int size = b.size();
          if (done + size > n) {
            throw new GuildException(split + " holds more images than its manifest's " + n);
          }
          parent.features(b.string(image), values, done * dim);
          for (int i = 0; i < size; i++) {
            labels[done + i] = b.int64(DatasetExamples.LABEL).getLong(i);
          }
          done += size;
          double secs = (System.nanoTime() - start) / 1e9;
          progress.onBatch(split.name(), done, n, done / Math.max(secs, 1e-9));
        }
      }
    }
    if (done != n) {
      throw new GuildException(split + " holds " + done + " images, its manifest says " + n);
    }
    return new Features(dim, values, labels, f, true);
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
      return new Features(dim, values, labels, f, false);
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
