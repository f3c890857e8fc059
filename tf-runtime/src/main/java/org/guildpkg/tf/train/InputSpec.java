package org.guildpkg.tf.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;

/**
 * What a classifier's graph takes in: the dataset's features (name, dtype, shape without the
 * batch dimension), the name of its label feature and its class names.
 *
 * @param features the input features in order, without the label
 * @param label the label feature's name (int64 class index)
 * @param classes class names, index = label value
 */
public record InputSpec(Map<String, Feature> features, String label, List<String> classes) {

  /** One input feature. dtype is {@code "uint8"} or {@code "float32"}. */
  public record Feature(String dtype, List<Long> shape) {
    /** Checks that the dtype is one the graph can take. */
    public Feature {
      if (!dtype.equals("uint8") && !dtype.equals("float32")) {
        throw new GuildException(
            "feature dtype '" + dtype + "' cannot feed a classifier: use uint8 or float32");
      }
      shape = List.copyOf(shape);
    }
  }

  /** Copies the collections and checks there is a feature and at least two classes. */
  public InputSpec {
    features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
    classes = List.copyOf(classes);
    if (features.isEmpty() || classes.size() < 2) {
      throw new GuildException("a classifier needs at least one feature and two classes");
    }
  }

  /** Fashion-MNIST's features and classes: {@code image} uint8 [28, 28], {@code label}. */
  public static InputSpec fashionMnist() {
    return new InputSpec(
        Map.of("image", new Feature("uint8", List.of(28L, 28L))),
        "label",
        List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot"));
  }
}
