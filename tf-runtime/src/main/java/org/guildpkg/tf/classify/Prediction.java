package org.guildpkg.tf.classify;

import java.util.Optional;

/**
 * What a classifier predicted for one example.
 *
 * @param index the predicted class index (the dataset's label value)
 * @param label the class name, or the index as text when the model's package names no classes
 * @param probabilities the model's probability of every class, when the model gives them (its
 *     {@code probabilities} output); empty otherwise
 */
public record Prediction(int index, String label, Optional<float[]> probabilities) {

  /** Checks the parts. */
  public Prediction {
    if (index < 0 || label == null || probabilities == null) {
      throw new IllegalArgumentException("index >= 0, label and probabilities are required");
    }
  }

  /** The probability of the predicted class, if the model gives probabilities. */
  public Optional<Float> probability() {
    return probabilities.filter(p -> index < p.length).map(p -> p[index]);
  }

  /** The probability the model gives class {@code classIndex}, if it gives probabilities. */
  public Optional<Float> probabilityOf(int classIndex) {
    return probabilities.filter(p -> classIndex >= 0 && classIndex < p.length).map(p -> p[classIndex]);
  }

  @Override
  public String toString() {
    return label + probability().map(p -> String.format(" (%.3f)", p)).orElse("");
  }
}
