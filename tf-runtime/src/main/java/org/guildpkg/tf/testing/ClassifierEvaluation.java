package org.guildpkg.tf.testing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.guildpkg.GuildException;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.classify.Prediction;
import org.guildpkg.tf.data.Batch;
import org.guildpkg.tf.data.BatchIterator;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.model.ModelSignature;
import org.tensorflow.types.TInt64;

/**
 * How a classifier did on a split: accuracy overall and per class, and the confusion matrix.
 *
 * @param split the split's name
 * @param dataset the dataset's description, for messages
 * @param classes the class names (index = label)
 * @param confusion {@code confusion[label][predicted]} counts
 */
record ClassifierEvaluation(String split, String dataset, List<String> classes, long[][] confusion) {
  static final int BATCH = 500;

  /** Classifies every example of {@code split} with {@code classifier}'s serving signature. */
  static ClassifierEvaluation run(Classifier classifier, Split split) {
    ModelSignature sig = classifier.model().signature(ModelSignature.SERVING_DEFAULT).orElseThrow();
    String label = labelFeature(split, sig);
    Set<String> features = new LinkedHashSet<>(sig.inputs().keySet());
    features.add(label);
    for (String f : features) {
      if (!split.features().containsKey(f)) {
        throw new GuildException(
            "signature '" + sig.key() + "' of " + classifier.model() + " takes input '" + f
                + "' but the dataset's features are " + split.features().keySet());
      }
    }
    int c = Math.max(classifier.classes().size(), split.dataset().classes().size());
    List<long[]> rows = new ArrayList<>();
    try (BatchIterator it = split.batches(BATCH).features(features.toArray(String[]::new)).iterator()) {
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          List<Prediction> ps = classifier.classify(b.tensors());
          TInt64 labels = b.int64(label);
          for (int i = 0; i < ps.size(); i++) {
            rows.add(new long[] {labels.getLong(i), ps.get(i).index()});
            c = Math.max(c, (int) Math.max(labels.getLong(i), ps.get(i).index()) + 1);
          }
        }
      }
    }
    if (rows.isEmpty()) {
      throw new GuildException("split '" + split.name() + "' of " + split.dataset() + " holds no examples");
    }
    long[][] confusion = new long[c][c];
    for (long[] r : rows) {
      confusion[(int) r[0]][(int) r[1]]++;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < c; i++) {
      names.add(i < classifier.classes().size() ? classifier.classes().get(i) : classifier.label(i));
    }
    return new ClassifierEvaluation(split.name(), split.dataset().folder().toString(), names, confusion);
  }

  /** The feature that holds the label: {@code label}, else the only other int64 scalar. */
  private static String labelFeature(Split split, ModelSignature sig) {
    if (split.features().containsKey("label")) {
      return "label";
    }
    List<String> candidates = split.features().values().stream()
        .filter(f -> f.dtype() == FeatureType.INT64 && f.shape().isEmpty())
        .map(FeatureSpec::name)
        .filter(n -> !sig.inputs().containsKey(n))
        .toList();
    if (candidates.size() != 1) {
      throw new GuildException(
          "cannot tell which feature of " + split.features().keySet() + " is the label; name it 'label'");
    }
    return candidates.get(0);
  }

  /** How many examples were classified. */
  long examples() {
    long n = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  /** The share of examples classified right. */
  double accuracy() {
    long right = 0;
    for (int i = 0; i < confusion.length; i++) {
      right += confusion[i][i];
    }
    return (double) right / examples();
  }

  /** The share of examples of class {@code index} classified right (NaN when it has none). */
  double accuracy(int index) {
    long n = 0;
    for (long v : confusion[index]) {
      n += v;
    }
    return n == 0 ? Double.NaN : (double) confusion[index][index] / n;
  }

  /** The classes from the worst accuracy up, as "Shirt 0.612", at most {@code limit}. */
  List<String> worstClasses(int limit) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < confusion.length; i++) {
      if (!Double.isNaN(accuracy(i))) {
        order.add(i);
      }
    }
    order.sort((a, b) -> Double.compare(accuracy(a), accuracy(b)));
    return order.stream().limit(limit).map(i -> String.format("%s %.3f", classes.get(i), accuracy(i))).toList();
  }
}
