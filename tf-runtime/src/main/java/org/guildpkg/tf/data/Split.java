package org.guildpkg.tf.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.tensorflow.proto.Example;

/**
 * One split of a {@link Dataset} ({@code train}, {@code test}, ...): read it as Examples, as
 * batches of tensors, or whole as Java arrays.
 *
 * <p>Holds no open files; the iterators it returns do and are {@link AutoCloseable}.
 */
public final class Split {
  private final Dataset dataset;
  private final SplitInfo info;

  Split(Dataset dataset, SplitInfo info) {
    this.dataset = dataset;
    this.info = info;
  }

  /** The split's name. */
  public String name() {
    return info.name();
  }

  /** How many examples the manifest says the split holds. */
  public long size() {
    return info.examples();
  }

  /** The split's files, in reading order. */
  public List<Path> files() {
    return info.files().stream().map(f -> dataset.folder().resolve(f)).toList();
  }

  /** The compression of the split's files. */
  public TFRecordCompression compression() {
    return info.compression();
  }

  /** The dataset's features, which every Example of the split holds. */
  public Map<String, FeatureSpec> features() {
    return dataset.features();
  }

  /** The dataset this split belongs to. */
  public Dataset dataset() {
    return dataset;
  }

  /** Reads the split's Examples in file order; close the iterator. */
  public ExampleIterator examples() {
    return new ExampleIterator(new SplitRecords(files(), compression()));
  }

  /** The split's Examples as a stream that must be closed (try-with-resources). */
  public Stream<Example> stream() {
    ExampleIterator it = examples();
    return StreamSupport.stream(
            Spliterators.spliterator(it, size(), Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(it::close);
  }

  /**
   * Batches of {@code batchSize} examples as tensors, one per feature, shaped
   * {@code [n, ...feature shape]}; configure shuffling, repetition and prefetching on the result.
   */
  public Batches batches(int batchSize) {
    return new Batches(this, batchSize);
  }

  /**
   * Reads the whole split into Java arrays (for tests and notebooks; a split must fit in the heap).
   */
  public SplitArrays toArrays() {
    return SplitArrays.read(this);
  }

  @Override
  public String toString() {
    return "Split[" + name() + ", " + size() + " examples]";
  }
}
