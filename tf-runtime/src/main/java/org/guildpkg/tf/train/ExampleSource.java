package org.guildpkg.tf.train;

import java.util.Iterator;
import java.util.OptionalLong;

/**
 * The examples of one dataset split, served as batches of tensors for training and evaluation.
 *
 * <p>{@link InMemoryExamples} holds a split in memory; {@link DatasetExamples} reads one from an
 * installed dataset package.
 */
public interface ExampleSource {
  /** How many examples the split holds. */
  long size();

  /** The class names, index = label value. */
  java.util.List<String> classes();

  /** The features' names, dtypes and shapes, and the label's name. */
  InputSpec spec();

  /**
   * The batches of one pass over the split (the last one may be smaller), in an order that
   * {@code shuffleSeed} fixes, or in file order when it is empty. The caller closes each batch.
   */
  default Iterator<TensorBatch> batches(int batchSize, OptionalLong shuffleSeed) {
    return batches(batchSize, shuffleSeed, 0);
  }

  /**
   * Like {@link #batches(int, OptionalLong)}, starting at batch {@code skip} of the pass (to
   * resume a run mid-epoch in the same order).
   */
  Iterator<TensorBatch> batches(int batchSize, OptionalLong shuffleSeed, long skip);
}
