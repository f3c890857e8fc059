package org.guildpkg.tf.data;

import java.util.ArrayList;
import java.util.List;
import org.guildpkg.GuildException;

/**
 * How to batch a split: batch size, shuffle buffer and seed, epochs, prefetching, the last partial
 * batch, and which features. Immutable: each method returns a changed copy; {@link #iterator()}
 * starts reading.
 *
 * <pre>{@code
 * try (BatchIterator it = split.batches(128).shuffle(10_000, 42).repeat(5).iterator()) { ... }
 * }</pre>
 *
 * <p>Defaults: no shuffling, one epoch, 2 batches prefetched by a background thread, the last
 * partial batch kept ({@link #dropRemainder()} drops it), every feature. Epochs follow each other
 * without a gap, so a batch may span two epochs (like TensorFlow's {@code repeat().batch()}); the
 * shuffle buffer likewise spans epoch boundaries, and with shuffling on, each epoch also reads the
 * split's files in a new seeded order.
 */
public final class Batches {
  private final Split split;
  private final int batchSize;
  private final int shuffleBuffer;
  private final long seed;
  private final long epochs;
  private final int prefetch;
  private final boolean dropRemainder;
  private final List<String> features;
  private final boolean encodedImages;

  Batches(Split split, int batchSize) {
    this(split, batchSize, 0, 0, 1, 2, false, List.copyOf(split.features().keySet()), false);
    if (batchSize < 1) {
      throw new GuildException("batch size must be at least 1, not " + batchSize);
    }
  }

  private Batches(
      Split split, int batchSize, int shuffleBuffer, long seed, long epochs, int prefetch,
      boolean dropRemainder, List<String> features, boolean encodedImages) {
    this.split = split;
    this.batchSize = batchSize;
    this.shuffleBuffer = shuffleBuffer;
    this.seed = seed;
    this.epochs = epochs;
    this.prefetch = prefetch;
    this.dropRemainder = dropRemainder;
    this.features = features;
    this.encodedImages = encodedImages;
  }

  /**
   * Shuffles through a buffer of {@code bufferSize} examples, drawing with a {@link
   * java.util.SplittableRandom} seeded with {@code seed} (same seed, same order).
   */
  public Batches shuffle(int bufferSize, long seed) {
    if (bufferSize < 1) {
      throw new GuildException("shuffle buffer must hold at least 1 example, not " + bufferSize);
    }
    return new Batches(split, batchSize, bufferSize, seed, epochs, prefetch, dropRemainder, features, encodedImages);
  }

  /** Reads the split {@code epochs} times (default 1). */
  public Batches repeat(long epochs) {
    if (epochs < 1) {
      throw new GuildException("epochs must be at least 1, not " + epochs);
    }
    return new Batches(split, batchSize, shuffleBuffer, seed, epochs, prefetch, dropRemainder, features, encodedImages);
  }

  /** Reads the split again and again, until the iterator is closed. */
  public Batches repeat() {
    return new Batches(split, batchSize, shuffleBuffer, seed, -1, prefetch, dropRemainder, features, encodedImages);
  }

  /**
   * Keeps up to {@code batches} batches ready, made by a background thread (default 2); 0 makes
   * batches in the caller's thread.
   */
  public Batches prefetch(int batches) {
    if (batches < 0) {
      throw new GuildException("prefetch must be 0 or more batches, not " + batches);
    }
    return new Batches(split, batchSize, shuffleBuffer, seed, epochs, batches, dropRemainder, features, encodedImages);
  }

  /** Drops a last batch smaller than the batch size (kept by default). */
  public Batches dropRemainder() {
    return new Batches(split, batchSize, shuffleBuffer, seed, epochs, prefetch, true, features, encodedImages);
  }

  /**
   * Batches only the named features (default: all).
   *
   * @throws GuildException naming the dataset's features when one is unknown
   */
  public Batches features(String... names) {
    List<String> list = new ArrayList<>();
    for (String n : names) {
      if (!split.features().containsKey(n)) {
        throw new GuildException(
            "dataset has no feature '" + n + "'; its features: " + split.features().keySet());
      }
      list.add(n);
    }
    return new Batches(split, batchSize, shuffleBuffer, seed, epochs, prefetch, dropRemainder, List.copyOf(list),
        encodedImages);
  }

  /**
   * Passes features with encoding {@code image} on as their encoded bytes, a {@code TString} of
   * shape {@code [n]}, instead of decoding them into {@code uint8} pixels: for a model that takes
   * encoded images ({@code image_bytes}) and decodes them in its graph.
   */
  public Batches encodedImages() {
    return new Batches(split, batchSize, shuffleBuffer, seed, epochs, prefetch, dropRemainder, features, true);
  }

  /** Starts reading; close the iterator to stop its thread and free prefetched batches. */
  public BatchIterator iterator() {
    if (features.isEmpty()) {
      throw new GuildException("split '" + split.name() + "' has no features to batch");
    }
    return new BatchIterator(new BatchGenerator(this), prefetch, split.name());
  }

  Split split() {
    return split;
  }

  int batchSize() {
    return batchSize;
  }

  int shuffleBuffer() {
    return shuffleBuffer;
  }

  long seed() {
    return seed;
  }

  long epochs() {
    return epochs;
  }

  boolean dropsRemainder() {
    return dropRemainder;
  }

  List<FeatureSpec> specs() {
    return features.stream().map(f -> split.features().get(f))
        .map(s -> encodedImages && s.isEncodedImage()
            ? new FeatureSpec(s.name(), FeatureType.STRING, List.of(), FeatureSpec.RAW) : s)
        .toList();
  }
}
