package org.guildpkg.tf.classify;

/**
 * One class and the probability a model gives it: an entry of a top-K list.
 *
 * @param index the class index (the model's output position)
 * @param label the class name, or the index as text when the model's package names no classes
 * @param probability the model's probability for it
 */
public record ClassProbability(int index, String label, float probability) {
  /** Checks the parts. */
  public ClassProbability {
    if (index < 0 || label == null) {
      throw new IllegalArgumentException("index >= 0 and a label are required");
    }
  }

  @Override
  public String toString() {
    return String.format("%s (%.3f)", label, probability);
  }
}
