package org.guildpkg.tf.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.guildpkg.GuildException;
import org.tensorflow.proto.Example;

/**
 * A whole split as Java arrays, one entry per example in file order, for tests and notebooks.
 *
 * <p>Each example's value is flattened in row-major order of the feature's shape: a Fashion-MNIST
 * image is {@code uint8("image")[i]}, 784 bytes (28 rows of 28; read them unsigned with
 * {@code & 0xff}), and its label {@code int64Scalars("label")[i]}. Encoded images (encoding
 * {@code image}) are decoded: a CIFAR-10 image is 3,072 bytes, 32 rows of 32 RGB pixels.
 */
public final class SplitArrays {
  private final int size;
  private final Map<String, FeatureSpec> specs;
  private final Map<String, Object> values;

  private SplitArrays(int size, Map<String, FeatureSpec> specs, Map<String, Object> values) {
    this.size = size;
    this.specs = specs;
    this.values = values;
  }

  /** The decoded pixels of an encoded image feature's value. */
  private static byte[] pixels(FeatureSpec s, byte[] encoded, Split split, int index) {
    byte[] out = new byte[(int) s.elements()];
    try {
      ImagePixels.decodeInto(encoded, s.shape().get(0).intValue(), s.shape().get(1).intValue(),
          s.shape().get(2).intValue(), out, 0);
    } catch (GuildException ex) {
      throw new GuildException("split '" + split.name() + "', example " + index + ": feature '" + s.name() + "': "
          + ex.getMessage(), ex);
    }
    return out;
  }

  static SplitArrays read(Split split) {
    if (split.size() > Integer.MAX_VALUE - 64) {
      throw new GuildException("split '" + split.name() + "' is too large to read into arrays");
    }
    Map<String, List<Object>> lists = new LinkedHashMap<>();
    split.features().keySet().forEach(f -> lists.put(f, new ArrayList<>((int) split.size())));
    int n = 0;
    try (ExampleIterator it = split.examples()) {
      while (it.hasNext()) {
        Example e = it.next();
        for (FeatureSpec s : split.features().values()) {
          s.check(e);
          Object v = switch (s.dtype()) {
            case UINT8 -> s.isEncodedImage() ? pixels(s, Examples.bytes(e, s.name()).get(0), split, n)
                : Examples.bytes(e, s.name()).get(0);
            case INT64 -> Examples.int64s(e, s.name());
            case FLOAT32 -> Examples.floats(e, s.name());
            case STRING -> Examples.bytes(e, s.name()).toArray(new byte[0][]);
          };
          lists.get(s.name()).add(v);
        }
        n++;
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (FeatureSpec s : split.features().values()) {
      List<Object> l = lists.get(s.name());
      values.put(s.name(), switch (s.dtype()) {
        case UINT8 -> l.toArray(new byte[0][]);
        case INT64 -> l.toArray(new long[0][]);
        case FLOAT32 -> l.toArray(new float[0][]);
        case STRING -> l.toArray(new byte[0][][]);
      });
    }
    return new SplitArrays(n, split.features(), values);
  }

  /** How many examples were read. */
  public int size() {
    return size;
  }

  /** A {@code uint8} feature: {@code [example][flattened value]}. */
  public byte[][] uint8(String feature) {
    return (byte[][]) get(feature, FeatureType.UINT8);
  }

  /** An {@code int64} feature: {@code [example][flattened value]}. */
  public long[][] int64(String feature) {
    return (long[][]) get(feature, FeatureType.INT64);
  }

  /** An {@code int64} feature of scalars (such as labels): one value per example. */
  public long[] int64Scalars(String feature) {
    long[][] all = int64(feature);
    if (specs.get(feature).elements() != 1) {
      throw new GuildException(
          "feature '" + feature + "' has shape " + specs.get(feature).shape() + ", not a scalar; use int64()");
    }
    long[] out = new long[all.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = all[i][0];
    }
    return out;
  }

  /** A {@code float32} feature: {@code [example][flattened value]}. */
  public float[][] float32(String feature) {
    return (float[][]) get(feature, FeatureType.FLOAT32);
  }

  /** A {@code string} feature: {@code [example][value][bytes]}. */
  public byte[][][] strings(String feature) {
    return (byte[][][]) get(feature, FeatureType.STRING);
  }

  private Object get(String feature, FeatureType type) {
    FeatureSpec s = specs.get(feature);
    if (s == null) {
      throw new GuildException("split has no feature '" + feature + "'; it has " + specs.keySet());
    }
    if (s.dtype() != type) {
      throw new GuildException("feature '" + feature + "' is " + s.dtype() + ", not " + type);
    }
    return values.get(feature);
  }
}
