package org.guildpkg.tf.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.Split;
import org.tensorflow.types.TInt64;

/**
 * Assertions on one split of a dataset, reached through {@link DatasetAssert#hasSplit}: its size
 * and its class histogram (which reads the split).
 */
public final class SplitAssert extends AbstractAssert<SplitAssert, Split> {

  SplitAssert(Split actual) {
    super(actual, SplitAssert.class);
  }

  /** Checks the number of examples the split's manifest declares. */
  public SplitAssert withExamples(long expected) {
    if (actual.size() != expected) {
      failWithMessage(
          "%nExpecting split \"%s\" of %s%nto have:%n  %d examples%nbut it has:%n  %d examples",
          actual.name(), actual.dataset(), expected, actual.size());
    }
    return this;
  }

  /**
   * Reads the split's {@code label} feature and checks that every class has {@code expected}
   * examples (a balanced split, such as Fashion-MNIST's 6000 or 1000 per class).
   */
  public SplitAssert withExamplesPerClass(long expected) {
    Map<String, Long> histogram = classHistogram();
    List<String> off = new ArrayList<>();
    histogram.forEach((k, v) -> {
      if (v != expected) {
        off.add(k + "=" + v);
      }
    });
    if (histogram.isEmpty() || !off.isEmpty()) {
      failWithMessage(
          "%nExpecting split \"%s\" of %s%nto have %d examples of every class%nbut these differ:%n  %s%nthe histogram:%n  %s",
          actual.name(), actual.dataset(), expected, off, histogram);
    }
    return this;
  }

  /**
   * The split's class histogram: examples per class name (per label value when the dataset names
   * no classes), in label order, read from its {@code label} feature.
   */
  public Map<String, Long> classHistogram() {
    if (!actual.features().containsKey("label")) {
      throw new GuildException(
          "split '" + actual.name() + "' has no 'label' feature; its features: " + actual.features().keySet());
    }
    List<String> classes = actual.dataset().classes();
    long[] counts = new long[Math.max(1, classes.size())];
    try (BatchIterator it = actual.batches(1000).features("label").iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          TInt64 labels = b.int64("label");
          for (int i = 0; i < b.size(); i++) {
            int l = Math.toIntExact(labels.getLong(i));
            if (l >= counts.length) {
              counts = java.util.Arrays.copyOf(counts, l + 1);
            }
            counts[l]++;
          }
        }
      }
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < counts.length; i++) {
      out.put(i < classes.size() ? classes.get(i) : Integer.toString(i), counts[i]);
    }
    return out;
  }
}
