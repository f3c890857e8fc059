package org.guildpkg.tf.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.guildpkg.GuildException;
import org.guildpkg.tf.data.FeatureSpec;
import org.guildpkg.tf.data.FeatureType;
import org.guildpkg.tf.data.Split;
import org.guildpkg.tf.data.SplitArrays;

/**
 * Reads a dataset package's split ({@link Split}, from the {@code Dataset} view) into
 * {@link InMemoryExamples} for training and evaluation: its uint8 and float32 features as inputs
 * and its int64 {@code label} feature as the label.
 *
 * <pre>{@code
 * ExampleSource train = DatasetExamples.load(Dataset.open(folder).split("train"));
 * }</pre>
 */
public final class DatasetExamples {
  /** The label feature's name, as the model interface fixes it. */
  public static final String LABEL = "label";

  private DatasetExamples() {}

  /**
   * The classifier inputs of a dataset: its uint8 and float32 features and its classes.
   *
   * @throws GuildException when it has no int64 {@code label}, no usable feature or no classes
   */
  public static InputSpec inputSpec(Split split) {
    Map<String, FeatureSpec> features = split.features();
    FeatureSpec label = features.get(LABEL);
    if (label == null || label.dtype() != FeatureType.INT64) {
      throw new GuildException(
          split.dataset() + ": a classifier trains on an int64 feature '" + LABEL + "'; features: "
              + String.join(", ", features.keySet()));
    }
    Map<String, InputSpec.Feature> inputs = new LinkedHashMap<>();
    features.forEach((name, f) -> {
      if (!name.equals(LABEL) && (f.dtype() == FeatureType.UINT8 || f.dtype() == FeatureType.FLOAT32)) {
        inputs.put(name, new InputSpec.Feature(f.dtype().id(), f.shape()));
      }
    });
    if (split.dataset().classes().isEmpty()) {
      throw new GuildException(split.dataset() + ": its manifest lists no \"classes\"");
    }
    return new InputSpec(inputs, LABEL, split.dataset().classes());
  }

  /** Reads the whole split into memory (Fashion-MNIST's train split: 47 MB). */
  public static InMemoryExamples load(Split split) {
    InputSpec spec = inputSpec(split);
    SplitArrays a = split.toArrays();
    Map<String, Object> values = new LinkedHashMap<>();
    spec.features().forEach((name, f) -> {
      if (f.dtype().equals("uint8")) {
        values.put(name, concat(a.uint8(name)));
      } else {
        values.put(name, concat(a.float32(name)));
      }
    });
    return new InMemoryExamples(spec, values, a.int64Scalars(LABEL));
  }

  private static byte[] concat(byte[][] rows) {
    int per = rows.length == 0 ? 0 : rows[0].length;
    byte[] out = new byte[rows.length * per];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * per, per);
    }
    return out;
  }

  private static float[] concat(float[][] rows) {
    int per = rows.length == 0 ? 0 : rows[0].length;
    float[] out = new float[rows.length * per];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * per, per);
    }
    return out;
  }
}
