package org.guildpkg.tf.author;

import java.util.Map;
import java.util.Set;
import org.guildpkg.GuildException;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The features a {@link ModelCode} reads, by the dataset's feature names, as float32 tensors. */
public final class Features {
  private final Map<String, Operand<TFloat32>> byName;

  /**
   * Wraps the float32 feature tensors; the training engine ({@code TrainableModel}) makes one per
   * graph it builds, and model code only reads it.
   *
   * @param byName each feature's tensor by the dataset's feature name
   */
  public Features(Map<String, Operand<TFloat32>> byName) {
    this.byName = Map.copyOf(byName);
  }

  /**
   * One feature, such as {@code image} (float32 {@code [-1, 28, 28]} in [0, 1]).
   *
   * @throws GuildException naming the features there are when the dataset has no {@code name}
   */
  public Operand<TFloat32> get(String name) {
    Operand<TFloat32> f = byName.get(name);
    if (f == null) {
      throw new GuildException(
          "the model reads feature '" + name + "', which the dataset does not have; features: "
              + String.join(", ", byName.keySet()));
    }
    return f;
  }

  /** The feature names. */
  public Set<String> names() {
    return byName.keySet();
  }
}
