package org.guildpkg.tf.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a model on a dataset split: mean loss, accuracy, per-class accuracy and the
 * confusion matrix.
 *
 * @param examples how many examples were evaluated
 * @param loss the mean loss per example
 * @param accuracy the fraction of examples classified right
 * @param classes class names, index = label value
 * @param confusion {@code confusion[true][predicted]} example counts
 */
public record Evaluation(long examples, double loss, double accuracy, List<String> classes, long[][] confusion) {

  /** Copies the class names. */
  public Evaluation {
    classes = List.copyOf(classes);
  }

  /** The accuracy on the examples of each class (NaN for a class with no examples), by name. */
  public Map<String, Double> perClassAccuracy() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      long total = 0;
      for (long v : confusion[c]) {
        total += v;
      }
      out.put(classes.get(c), total == 0 ? Double.NaN : (double) confusion[c][c] / total);
    }
    return out;
  }

  /**
   * The metrics as JSON: {@code examples}, {@code loss}, {@code accuracy} (numbers),
   * {@code per_class_accuracy} (by class name) and {@code confusion_matrix} (rows: true class).
   */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("examples", examples);
    o.put("loss", loss);
    o.put("accuracy", accuracy);
    ObjectNode per = o.putObject("per_class_accuracy");
    perClassAccuracy().forEach((k, v) -> {
      if (v.isNaN()) {
        per.putNull(k);
      } else {
        per.put(k, v);
      }
    });
    ArrayNode m = o.putArray("confusion_matrix");
    for (long[] row : confusion) {
      ArrayNode r = m.addArray();
      for (long v : row) {
        r.add(v);
      }
    }
    ArrayNode names = o.putArray("classes");
    classes.forEach(names::add);
    return o;
  }
}
